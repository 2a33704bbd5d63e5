"""Values of SQL INSERT statements get their column as context (sql_insert.py)."""

from detectors.recognizers.sql_insert import column_at, insert_cells

DUMP = ("INSERT [dbo].[employees] ([id], [first_name], [last_name], [dob], [password]) VALUES "
        "(1, N'Karen', N'Wright', N'1961-07-04', N'Harbor2019!x')\n"
        "INSERT INTO `people` (`id`, `full_name`, `notes`) VALUES (1, 'O''Brien, Pat', 'x, y'),\n"
        "(2, 'Maria Gonzalez', NULL);\n")


def test_values_and_columns():
    _, cells = insert_cells(DUMP)
    got = [(DUMP[a:b], col) for a, b, col in cells]
    assert got == [("1", "id"), ("Karen", "first_name"), ("Wright", "last_name"), ("1961-07-04", "dob"),
                   ("Harbor2019!x", "password"), ("1", "id"), ("O''Brien, Pat", "full_name"), ("x, y", "notes"),
                   ("2", "id"), ("Maria Gonzalez", "full_name"), ("NULL", "notes")]
    assert column_at(DUMP, DUMP.index("Gonzalez")) == "full_name"
    assert column_at(DUMP, DUMP.index("INSERT INTO")) is None


def test_entities_in_a_dump(engine):
    from scanner.model import Segment

    got = [(r.entity_type, DUMP[r.start:r.end]) for r in engine.detect(Segment(DUMP))
           if r.entity_type in ("PERSON", "DATE_OF_BIRTH", "CREDENTIAL")]
    # first_name then last_name: one person over both values
    assert got == [("PERSON", "Karen', N'Wright"), ("DATE_OF_BIRTH", "1961-07-04"),
                   ("CREDENTIAL", "Harbor2019!x"), ("PERSON", "Maria Gonzalez")]


def test_no_insert_no_cells():
    assert insert_cells("SELECT name FROM people WHERE id = 1") == ((), ())


MYSQLDUMP = ("CREATE TABLE `patients` (\n  `id` int NOT NULL,\n  `first_name` varchar(255) DEFAULT NULL,\n"
             "  `last_name` varchar(255) DEFAULT NULL,\n  `dob` date,\n  `price` decimal(10,2),\n"
             "  PRIMARY KEY (`id`),\n  KEY `ix` (`last_name`)\n) ENGINE=InnoDB;\n"
             "LOCK TABLES `patients` WRITE;\n"
             "INSERT INTO `patients` VALUES (1,'Peter','Sanders','1961-07-04',3.50),(2,'Ann','Lee',NULL,1.00);\n"
             "INSERT INTO `other` VALUES (1,'Maria Gonzalez');\n")


def test_mysqldump_columns_from_create_table():
    """det-real (issue 22): mysqldump's INSERT has no column list."""
    _, cells = insert_cells(MYSQLDUMP)
    got = [(MYSQLDUMP[a:b], col) for a, b, col in cells]
    assert got == [("1", "id"), ("Peter", "first_name"), ("Sanders", "last_name"), ("1961-07-04", "dob"),
                   ("3.50", "price"), ("2", "id"), ("Ann", "first_name"), ("Lee", "last_name"), ("NULL", "dob"),
                   ("1.00", "price")]  # `other` has no CREATE TABLE: no columns


def test_mysqldump_entities(engine):
    from scanner import privacy
    from scanner.model import Segment

    got = [(r.entity_type, MYSQLDUMP[r.start:r.end]) for r in engine.detect(Segment(MYSQLDUMP))
           if r.entity_type in ("PERSON", "DATE_OF_BIRTH")]
    assert got == [("PERSON", "Peter','Sanders"), ("DATE_OF_BIRTH", "1961-07-04"), ("PERSON", "Ann','Lee")]
    assert privacy.normalise("PERSON", "Peter','Sanders") == privacy.normalise("PERSON", "Peter Sanders")
