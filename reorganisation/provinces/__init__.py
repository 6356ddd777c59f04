"""Merging provinces: one portal's whole history written to one file (`manage.py export_province`)
and read into another portal, whose province takes the exported province's upper-level unions as
its own (`manage.py import_province --as-upper-unions`).

- fileformat.py  the file: gzip, one JSON document written and read one record per line, so that
                 a province of a hundred thousand monthly rows streams in and out
- fields.py      what each record of each section holds, written and read back field by field
- totals.py      members and CĐCS at the end of each month, counted as the reports' summary
                 counts them, from the rows of a file or from this portal's summary
- exporting.py   the export, in one snapshot of the database
- reading.py     the import's first pass over the file, with checks.py: every record checked (the
                 stock identity and the continuity of every monthly row, references, the header's
                 counts and totals) before anything is written
- clashes.py     the checked file against this portal: codes (with the prefix), ID numbers, programmes
- importing.py   the write in one transaction (the tree, programmes and quotas here; the file's
                 second pass in streaming.py), checked against the totals before it commits"""
