"""Running a check over many records: the job, one file's outcome, the cache, the process pool, the whole run."""
