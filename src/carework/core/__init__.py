"""The lowest wing: what every stage shares — the domain records, problems and the error type, languages, paths, atomic writes."""
