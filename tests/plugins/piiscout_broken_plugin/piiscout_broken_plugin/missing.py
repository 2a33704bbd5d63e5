import piiscout_no_such_dependency  # noqa: F401 - the import error the tests expect


class Recognizer:
    pass
