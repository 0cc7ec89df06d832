"""File storage that has no public URL (DESIGN §3.14: files are private).

Django's FileSystemStorage would answer `url()` with MEDIA_URL plus the file's name, a
link that works as soon as anyone serves MEDIA_ROOT. This one refuses to make a link at
all, so no page, admin form or API field can hand one out by mistake: every file leaves
through a view that checks who is asking (tickets/attachments.py).
"""

from typing import NoReturn

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under MEDIA_ROOT (or `location`), never linked to directly."""

    def url(self, name: str | None) -> NoReturn:
        raise NotImplementedError("Private files have no URL: serve them through a view.")
