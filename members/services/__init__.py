"""Every write to the organisation tree: org (CĐCS founded, dissolved, moved and merged,
federations merged) and common (what every service of the app shares: who and when in messages,
the federation of a CĐCS in a month, where a change came from). The monthly figures' writes are
in members.figures, the member register's in members.register.

Views, the admin, imports and management commands all call these functions, so that each
rule lives once. Errors are ValidationError with Vietnamese messages; nothing is written
when one is raised (every service runs in one transaction)."""
