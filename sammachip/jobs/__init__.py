"""Background jobs: long work (a big import, a big export) run by the task worker
(``manage.py db_worker``), with its progress, result and problems kept for the one user who
started it. Apps register what each kind of job does (``register``) from their ``ready()``."""
