"""The example plugins' fixture (`plugin_env`) lives in tests/conftest.py:
tests of other packages scan with plugin recognizers too."""
