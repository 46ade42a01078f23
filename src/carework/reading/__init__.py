"""Reading input files: bounded reads, YAML with positions (the PyYAML reference and the fast path), finding record files."""
