"""The administrators' backup page: a backup made as a job into BACKUP_DIR (0600), downloaded at
the end by superusers only, never cached, both audited; nobody else even sees the page."""

import stat
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from jobs.models import Job
from members.models import AuditEntry
from unionportal.backup import PG_MAGIC, SQLITE_MAGIC

URL = reverse("backups")


@pytest.mark.django_db(transaction=True)  # as in a request: no transaction around the backup (SQLite's copy)
def test_an_administrator_backs_up_and_downloads_the_file(client_for, superuser, provincial_staff, settings, tmp_path):
    settings.BACKUP_DIR = str(tmp_path)
    client = client_for(superuser)
    assert 'id="backup-start"' in client.get(URL).content.decode()
    response = client.post(URL)
    job = Job.objects.get(kind="unionportal.backup")
    assert response.url == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.state == Job.State.DONE, job.error
    path = Path(tmp_path, job.params["file"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(PG_MAGIC if connection.vendor == "postgresql" else SQLITE_MAGIC)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no partial file left
    assert job.result["url"] == reverse("backup_file", kwargs={"pk": job.pk})
    download = client.get(job.result["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == path.read_bytes()
    assert "no-store" in download["Cache-Control"]
    assert f'filename="{path.name}"' in download["Content-Disposition"]
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "user")) == [
        ("database.backup", superuser.pk),
        ("database.backup_download", superuser.pk),
    ]
    assert path.name in client.get(URL).content.decode()
    other = client_for(provincial_staff)
    assert other.get(URL).status_code == 404 and other.get(job.result["url"]).status_code == 404
    assert other.get(reverse("jobs:detail", kwargs={"pk": job.pk})).status_code == 404


def test_without_a_backup_folder_the_page_says_so(client_for, superuser, settings):
    settings.BACKUP_DIR = ""
    client = client_for(superuser)
    assert 'id="backup-no-folder"' in client.get(URL).content.decode()
    client.post(URL)
    job = Job.objects.get(kind="unionportal.backup")
    assert job.state == Job.State.FAILED and "BACKUP_DIR" in job.error


@pytest.mark.parametrize("name", ["../db.sqlite3", "unionportal-x.dump", "/etc/passwd"])
def test_only_the_files_the_page_made_are_served(client_for, superuser, settings, tmp_path, name):
    settings.BACKUP_DIR = str(tmp_path)
    job = Job.objects.create(kind="unionportal.backup", params={"file": name}, state=Job.State.DONE)
    assert client_for(superuser).get(reverse("backup_file", kwargs={"pk": job.pk})).status_code == 404
