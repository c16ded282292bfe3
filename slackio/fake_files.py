"""The fake Slack's file uploads, as `WebClient.files_upload_v2` makes them: three steps.

1. `files.getUploadURLExternal` (filename, length) → a one-off upload URL and a file id;
2. the bytes POSTed to that URL (no token: the URL itself is the permission);
3. `files.completeUploadExternal` (files=[{id, title}], channel_id, initial_comment,
   thread_ts) shares the uploaded files into the channel, as a message that carries them.

A file completed before its bytes arrived, or whose bytes are not the announced length,
is refused as Slack refuses it. Tests read what was shared with `uploaded()`.
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import TYPE_CHECKING, Any

UPLOAD_PATH = "/upload/"


class FileUploads:
    """Mixed into FakeSlack, which provides `port`, `messages`, `_lock`, `_ids`, `_next_ts`."""

    messages: dict[str, list[dict[str, Any]]]
    _lock: threading.RLock
    _ids: itertools.count[int]

    if TYPE_CHECKING:

        @property
        def port(self) -> int: ...

        def _next_ts(self) -> str: ...

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        """Every file announced: id → filename, length, content (bytes, once uploaded), channel, title."""
        existing = self.__dict__.get("_files")
        if existing is None:
            existing = self.__dict__["_files"] = {}
        return existing

    def uploaded(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The files shared (completed), in order, in `channel` or anywhere."""
        with self._lock:
            shared = [f for f in self.files.values() if f.get("channel")]
        return [f for f in shared if channel is None or f["channel"] == channel]

    def _m_files_getUploadURLExternal(self, body: dict) -> dict:
        filename, length = body.get("filename"), str(body.get("length", ""))
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self.files[file_id] = {"id": file_id, "filename": filename, "length": int(length), "alt_txt": body.get("alt_txt"), "content": None}
        return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}{UPLOAD_PATH}{file_id}"}

    def receive_upload(self, path: str, raw: bytes) -> tuple[int, bytes]:
        """Step 2: the bytes for an announced file → (HTTP status, body)."""
        file_id = path[len(UPLOAD_PATH) :]
        with self._lock:
            announced = self.files.get(file_id)
            if announced is None or announced["content"] is not None:
                return 404, b"not found"
            announced["content"] = raw
        return 200, b"OK - " + str(len(raw)).encode()

    def _m_files_completeUploadExternal(self, body: dict) -> dict:
        try:
            wanted = json.loads(body.get("files") or "[]")
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        channel = body.get("channel_id") or (body.get("channels") or "").split(",")[0] or None
        with self._lock:
            found = [self.files.get(str(f.get("id"))) for f in wanted]
            if not wanted or any(f is None or f["content"] is None or len(f["content"]) != f["length"] for f in found):
                return {"ok": False, "error": "file_upload_not_completed"}
            shared = []
            for f, asked in zip(found, wanted, strict=True):
                assert f is not None
                f.update(title=asked.get("title") or f["filename"], channel=channel, initial_comment=body.get("initial_comment"))
                shared.append({"id": f["id"], "name": f["filename"], "title": f["title"], "size": f["length"]})
            if channel:
                message = {"ts": self._next_ts(), "text": body.get("initial_comment") or "", "files": shared, "thread_ts": body.get("thread_ts")}
                self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "files": shared}
