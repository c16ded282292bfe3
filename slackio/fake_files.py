"""File uploads on the fake Slack, as `files_upload_v2` makes them.

1. `files.getUploadURLExternal` (filename, length, alt_txt) answers a file id and an
   upload URL on the fake itself;
2. the client POSTs the bytes to that URL (no token: the URL is the credential);
3. `files.completeUploadExternal` (files=[{id, title}], channel_id, thread_ts,
   initial_comment) shares the uploaded files as one message in that channel or thread.

`uploads` keeps each file: its name, alt text, bytes, and where it was shared.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slackio.fake_validation import dm_channel

ALT_LIMIT = 1000


@dataclass
class Upload:
    id: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes | None = None
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None


class FileMethods:
    """Mixed into FakeSlack (which provides `messages`, `outside`, `_lock`, `_ids`, `port`)."""

    messages: dict[str, list[dict[str, Any]]]
    outside: dict[str, str]
    uploads: dict[str, Upload]
    _lock: threading.RLock
    _ids: itertools.count[int]

    if TYPE_CHECKING:  # provided by FakeSlack

        @property
        def port(self) -> int: ...

        def _next_ts(self) -> str: ...

    def _m_files_getUploadURLExternal(self, body: dict) -> dict:
        filename, length = body.get("filename"), str(body.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        alt = body.get("alt_txt")
        if alt is not None and len(str(alt)) > ALT_LIMIT:
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self.uploads[file_id] = Upload(file_id, str(filename), int(length), alt)
        return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}"}

    def receive_upload(self, file_id: str, data: bytes) -> int:
        """The POST of a file's bytes to its upload URL: 200, or 404 for an unknown id."""
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is None:
                return 404
            upload.data = data
        return 200

    def _m_files_completeUploadExternal(self, body: dict) -> dict:
        try:
            items = json.loads(body.get("files") or "[]")
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        channel = dm_channel(str(body.get("channel_id") or ""))
        with self._lock:
            uploads = [self.uploads.get(str(item.get("id"))) for item in items]
            if not items or any(u is None or u.data is None or len(u.data) != u.length for u in uploads):
                return {"ok": False, "error": "file_not_found"}
            if channel in self.outside:
                return {"ok": False, "error": self.outside[channel]}
            files = []
            for upload, item in zip(uploads, items, strict=True):
                assert upload is not None
                upload.title = item.get("title") or upload.filename
                upload.channel, upload.thread_ts = channel or None, body.get("thread_ts")
                upload.initial_comment = body.get("initial_comment")
                files.append({"id": upload.id, "name": upload.filename, "title": upload.title, "mimetype": "image/png" if upload.filename.endswith(".png") else "application/octet-stream", "size": upload.length})
            if channel:
                message = {"ts": self._next_ts(), "text": body.get("initial_comment") or "", "files": files, "thread_ts": body.get("thread_ts"), "metadata": None, "blocks": None}
                self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in files]}

    def shared_files(self, channel: str | None = None) -> list[Upload]:
        """Files shared by completeUploadExternal (in `channel`, when given), in order."""
        with self._lock:
            return [u for u in self.uploads.values() if u.channel and (channel is None or u.channel == dm_channel(channel))]
