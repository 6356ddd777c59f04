"""Who leads each CĐCS (cán bộ CĐCS), a room of members like the register and the figures:

- services.py    the writes: term_open (a congress, or a provisional committee appointed by the
                 upper union, with the committee it elects), term_edit, officer_add (elected,
                 co-opted or appointed during the term), officer_leave, officer_edit; every one
                 checked (rules.py) and audited;
- selectors.py   the reads: the CĐCS's committees on a day, the officers' list, needs_attention
                 (what "cần kiện toàn" means) and officer_counts (for leadership: numbers, no names);
- lists.py, list_import.py   the officers' list of a federation in Excel, two-phase;
- forms.py, views.py, list_views.py   the pages; demo.py the demo's committees.

The models are members.models.officers (Term, Officer, OfficerListUpload)."""
