"""Every command name, action id and callback id the bot registers, in one place."""

VISIT = "/visit"
HANDOVER = "/handover"
ASK = "/ask"
KPI = "/kpi"
DIGEST = "/digest"
AMTEAM = "/amteam"
ALL_COMMANDS = (VISIT, HANDOVER, ASK, KPI, DIGEST, AMTEAM)

# handover (issue 4): the value of each button is the handover id; the assign-cover
# select carries it in its block_id, `handover_assign:<id>`.
HANDOVER_ACCEPT = "handover_accept"
HANDOVER_DECLINE = "handover_decline"
HANDOVER_APPROVE = "handover_approve"
HANDOVER_REFUSE = "handover_refuse"
HANDOVER_ASSIGN = "handover_assign"

# questions (issue 5): `/ask`. Button values: a draft question (see
# handlers/questions.encode_draft) for the topic pick and "Still ask"; the question id
# for everything a responder or an asker presses afterwards.
ASK_PICK_TOPIC = "ask_pick_topic"
ASK_DEFLECTED = "ask_deflected"
ASK_STILL_ASK = "ask_still_ask"
ASK_CUSTOMER = "ask_customer"
ASK_MODAL = "ask_modal"
ASK_TOPIC = "ask_topic"  # the form's topic type-ahead, past 100 topics (options source)
ASK_OPEN_FORM = "ask_open_form"  # topic picker past 100 topics: the form, question filled in
ASK_QUESTION_TYPED = "ask_question"  # the form's question: dispatches on each character typed
QUESTION_CLAIM = "question_claim"
QUESTION_ANSWER = "question_answer"
QUESTION_REASSIGN = "question_reassign"
QUESTION_ESCALATE = "question_escalate"
QUESTION_RESOLVE = "question_resolve"
QUESTION_FOLLOWUP = "question_followup"
QUESTION_ANSWER_MODAL = "question_answer_modal"
QUESTION_REASSIGN_MODAL = "question_reassign_modal"
QUESTION_FOLLOWUP_MODAL = "question_followup_modal"

# knowledge base (issue 19): "Add to the knowledge base" on an answered question (value: the
# question id); Edit / Retire / Restore on an entry (value: the entry id); the entry form.
KB_ADD = "kb_add"
KB_EDIT = "kb_edit"
KB_RETIRE = "kb_retire"
KB_RESTORE = "kb_restore"
KB_ENTRY_MODAL = "kb_entry_modal"

# kpi
KPI_UNDO_ENTRY = "kpi_undo_entry"
KPI_RESTORE_ENTRY = "kpi_restore_entry"  # put back an entry taken back (the undo's confirmation)

# --- visits (handlers/visits.py, handlers/visit_modal.py, handlers/followup_actions.py) ---
VISIT_MODAL = "visit_modal"  # view callback id of the visit form (new and edit)
VISIT_CUSTOMER = "visit_customer"  # the form's searchable customer select (options source)
VISIT_ADD_FOLLOWUP = "visit_add_followup"  # form button: one more follow-up row
VISIT_EDIT = "visit_edit"  # message button: reopen a stored visit in the form
VISIT_PICK_CUSTOMER = "visit_pick_customer"  # message button: one of several matching customers
VISIT_WITHDRAW = "visit_withdraw"  # message button: withdraw a visit ("<id>:<version>")
VISIT_RESTORE = "visit_restore"  # message button: Undo a visit's withdrawal (its id)
FOLLOWUP_RESTORE = "followup_restore"  # message button: Undo a follow-up's withdrawal (its id)
FOLLOWUP_DONE = "followup_done"
FOLLOWUP_SNOOZE_DAY = "followup_snooze_day"
FOLLOWUP_SNOOZE_WEEK = "followup_snooze_week"

# home (handlers/home.py): the App Home's Done button; its value is the follow-up id.
HOME_FOLLOWUP_DONE = "home_followup_done"

# direct messages (handlers/direct.py): the preview card of a visit sent as a DM; Save and
# Edit carry the message (its day, its ts and the line), Ask carries the question.
DM_SAVE = "dm_save"
DM_EDIT = "dm_edit"
DM_CANCEL = "dm_cancel"
DM_ASK = "dm_ask"
DM_NOT_NOW = "dm_not_now"

# pages of long lists (rendering/pages.py): More carries the next page and what was asked.
VISIT_LIST_MORE = "visit_list_more"
FOLLOWUPS_MORE = "followups_more"
AMTEAM_SHOW_MORE = "amteam_show_more"
CUSTOMER_LIST_MORE = "customer_list_more"
ASK_SEARCH_MORE = "ask_search_more"
KPI_TEAM_MORE = "kpi_team_more"
