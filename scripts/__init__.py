"""Command-line tools of the dataset: validate, build, new, format, db, serve, bench."""
