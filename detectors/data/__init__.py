"""Data files the recognizers read (vocabularies, code lists; README.md says
where each comes from). No code: may import nothing.
"""
