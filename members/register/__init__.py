"""The member register (sổ đoàn viên): reading it (people: search, ID numbers, the register's
monthly counts), writing it (services), the month an event counts in (event_months), look-ups of
ID numbers beyond the user's own register (lookups), its forms and its pages (views).

It reads the organisation tree and access from the top of the app, never the monthly figures'
modules (members.figures), which count beside it."""
