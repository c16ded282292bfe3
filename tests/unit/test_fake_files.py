"""The fake Slack's file upload, as `files_upload_v2` drives it: a URL on the fake, the
bytes posted there, the share into a channel or thread; an id never uploaded, or alt text
over Slack's limit, is refused."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackio.fake_api import FakeSlack


@pytest.fixture
def fake():
    with FakeSlack() as fake:
        yield fake


def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def test_files_upload_v2_shares_the_bytes_into_the_thread(fake):
    web = client(fake)
    parent = web.chat_postMessage(channel="C0TEAM", text="summary")
    answer = web.files_upload_v2(channel="C0TEAM", thread_ts=parent["ts"], content=b"\x89PNG-bytes", filename="c-1.png", title="Chart", alt_txt="图表", initial_comment="hi")
    [file] = fake.shared_files("C0TEAM")
    assert answer["file"]["id"] == file.id
    assert (file.data, file.title, file.alt_txt, file.thread_ts, file.initial_comment) == (b"\x89PNG-bytes", "Chart", "图表", parent["ts"], "hi")
    [asked] = fake.calls_to("files.getUploadURLExternal")
    assert asked.body["length"] == str(len(b"\x89PNG-bytes")) and asked.response["upload_url"] == f"{fake.api_url[:-5]}/upload/{file.id}"
    [done] = fake.calls_to("files.completeUploadExternal")
    assert json.loads(done.body["files"]) == [{"id": file.id, "title": "Chart"}]
    replies = web.conversations_replies(channel="C0TEAM", ts=parent["ts"])["messages"]
    assert [m.get("files", [{}])[0].get("name") for m in replies] == [None, "c-1.png"]


def test_a_file_never_uploaded_cannot_be_shared(fake):
    web = client(fake)
    file_id = web.files_getUploadURLExternal(filename="x.png", length=10)["file_id"]
    with pytest.raises(SlackApiError) as refused:
        web.files_completeUploadExternal(files=[{"id": file_id, "title": "x"}], channel_id="C0TEAM")
    assert refused.value.response["error"] == "file_not_found"
    assert fake.shared_files() == []


def test_alt_text_over_slacks_limit_is_refused(fake):
    with pytest.raises(SlackApiError) as refused:
        client(fake).files_getUploadURLExternal(filename="x.png", length=10, alt_txt="a" * 1001)
    assert refused.value.response["error"] == "invalid_arguments"
