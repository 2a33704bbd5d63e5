"""The parts of bench/realworld.py: a client-share-shaped corpus and its scorer.

plant.py   entities and decoys (what is planted, in which written forms)
tables.py  one table model written as XLSX, XLS, ODS and CSV
documents.py  DOCX, ODT, PPTX and PDF
texts.py   legacy-encoded text, SQL dumps, fixed-width reports, NDJSON, logs, code
mail.py    e-mail with winmail.dat (TNEF) attachments
score.py   runs piiscout and scores it against the truth file
"""
