"""Every command name, action id and callback id the bot registers, in one place."""

VISIT = "/visit"
HANDOVER = "/handover"
ASK = "/ask"
KPI = "/kpi"
DIGEST = "/digest"
AMTEAM = "/amteam"
ALL_COMMANDS = (VISIT, HANDOVER, ASK, KPI, DIGEST, AMTEAM)
