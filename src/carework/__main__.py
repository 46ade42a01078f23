from carework.cli import main

main()
