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

# --- visits (handlers/visits.py, handlers/visit_modal.py, handlers/followup_actions.py) ---
VISIT_MODAL = "visit_modal"  # view callback id of the visit form (new and edit)
VISIT_CUSTOMER = "visit_customer"  # the form's searchable customer select (options source)
VISIT_ADD_FOLLOWUP = "visit_add_followup"  # form button: one more follow-up row
VISIT_EDIT = "visit_edit"  # message button: reopen a stored visit in the form
VISIT_PICK_CUSTOMER = "visit_pick_customer"  # message button: one of several matching customers
FOLLOWUP_DONE = "followup_done"
FOLLOWUP_SNOOZE_DAY = "followup_snooze_day"
FOLLOWUP_SNOOZE_WEEK = "followup_snooze_week"

# home (handlers/home.py): the App Home's Done button; its value is the follow-up id.
HOME_FOLLOWUP_DONE = "home_followup_done"
