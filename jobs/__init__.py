"""Long work off the request, with a progress bar: a job is one piece of work (an import, a rebuild,
a backup) that an app registers as a kind (jobs.registry.job_kind) and a view starts
(jobs.services.job_start); a Celery worker runs it when CELERY_BROKER_URL is set, the request
itself when it is not. Its page (/jobs/<id>/) shows how far it is and what it made. This app
imports no other: the apps above register their kinds with it (docs/architecture.md)."""
