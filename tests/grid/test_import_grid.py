"""import_grid (DESIGN.md §5.1), driven through the command on CSV files in tmp_path."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grid.models import Customer, CustomerPhone, Feeder, Premise, Station, Transformer

COLUMNS = [
    "station_code",
    "station_name",
    "feeder_code",
    "transformer_code",
    "area_type",
    "account_no",
    "customer_name",
    "phone",
    "address",
    "meter_no",
]
MODELS = (Station, Feeder, Transformer, Customer, CustomerPhone, Premise)


def grid_rows() -> list[dict[str, str]]:
    """Four premises on lines 2–5: two stations, three feeders, four transformers,
    three customers (A0002 has two premises and two phones)."""
    return [
        {
            "station_code": "N01",
            "station_name": "North station",
            "feeder_code": "F101",
            "transformer_code": "T1011",
            "area_type": "urban",
            "account_no": "A0001",
            "customer_name": "Li Wei",
            "phone": "0763-228 1234",
            "address": "1 Bridge Road",
            "meter_no": "M0001",
            "important": "true",
        },
        {
            "station_code": "N01",
            "station_name": "North station",
            "feeder_code": "F101",
            "transformer_code": "T1012",
            "area_type": "rural",
            "account_no": "A0002",
            "customer_name": "Zhang Min",
            "phone": "(0763) 228-5678",
            "address": "Upper Village 3",
            "meter_no": "M0002",
            "important": "false",
        },
        {
            "station_code": "N01",
            "station_name": "North station",
            "feeder_code": "F102",
            "transformer_code": "T1021",
            "area_type": "remote",
            "account_no": "A0002",
            "customer_name": "Zhang Min",
            "phone": "+86 138 0013 8000",
            "address": "Hill Farm",
            "meter_no": "M0003",
            "important": "",
        },
        {
            "station_code": "S01",
            "station_name": "South station",
            "feeder_code": "F201",
            "transformer_code": "T2011",
            "area_type": "urban",
            "account_no": "A0003",
            "customer_name": "Wang Fang",
            "phone": "0763 229 0001",
            "address": "9 Harbour Street",
            "meter_no": "M0004",
            "important": "FALSE",
        },
    ]


def generated_rows(count: int, prefix: str) -> list[dict[str, str]]:
    """`count` premises, 10 per transformer, 5 transformers per feeder, 4 feeders per station."""
    rows = []
    for n in range(count):
        transformer = n // 10
        feeder = transformer // 5
        station = feeder // 4
        rows.append(
            {
                "station_code": f"{prefix}S{station:03d}",
                "station_name": f"Station {prefix}{station}",
                "feeder_code": f"{prefix}F{feeder:04d}",
                "transformer_code": f"{prefix}T{transformer:05d}",
                "area_type": ("urban", "rural", "remote")[n % 3],
                "account_no": f"{prefix}A{n:07d}",
                "customer_name": f"Customer {prefix}{n}",
                "phone": f"0763-{n:07d}",
                "address": f"{n} Long Street",
                "meter_no": f"{prefix}M{n:07d}",
                "important": "false",
            }
        )
    return rows


def write_csv(path, rows, columns=(*COLUMNS, "important")):
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_grid(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_grid", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_rejected(path, *args) -> tuple[str, str]:
    """Runs the command expecting CommandError; returns its message and stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_grid", str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(excinfo.value), err.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def snapshot() -> dict[str, list[dict]]:
    """Every stored row of every grid model, primary keys included."""
    return {
        model.__name__: [dict(row) for row in model.objects.order_by("pk").values()]
        for model in MODELS
    }


EMPTY = {model.__name__: 0 for model in MODELS}


@pytest.fixture
def imported(tmp_path):
    """The database after importing grid_rows()."""
    import_grid(write_csv(tmp_path / "first.csv", grid_rows()))
    return snapshot()


# --- happy path -----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_the_network_customers_premises_and_phones(tmp_path):
    path = write_csv(tmp_path / "grid.csv", grid_rows())

    out, _ = import_grid(path)

    assert counts() == {
        "Station": 2,
        "Feeder": 3,
        "Transformer": 4,
        "Customer": 3,
        "CustomerPhone": 4,
        "Premise": 4,
    }
    assert "stations: 2 created, 0 updated, 0 unchanged" in out
    assert "feeders: 3 created, 0 updated, 0 unchanged" in out
    assert "transformers: 4 created, 0 updated, 0 unchanged" in out
    assert "customers: 3 created, 0 updated, 0 unchanged" in out
    assert "premises: 4 created, 0 updated, 0 unchanged" in out
    assert "phones: 4 added" in out
    assert "rejected: 0 rows" in out
    assert "Nothing changed" not in out


@pytest.mark.django_db
def test_import_stores_every_field_and_links_each_level_to_its_parent(tmp_path):
    import_grid(write_csv(tmp_path / "grid.csv", grid_rows()))

    assert dict(Station.objects.values_list("code", "name")) == {
        "N01": "North station",
        "S01": "South station",
    }
    assert dict(Feeder.objects.values_list("code", "station__code")) == {
        "F101": "N01",
        "F102": "N01",
        "F201": "S01",
    }
    assert dict(Transformer.objects.values_list("code", "feeder__code")) == {
        "T1011": "F101",
        "T1012": "F101",
        "T1021": "F102",
        "T2011": "F201",
    }
    assert dict(Customer.objects.values_list("account_no", "name")) == {
        "A0001": "Li Wei",
        "A0002": "Zhang Min",
        "A0003": "Wang Fang",
    }
    premise = Premise.objects.select_related("transformer", "customer").get(meter_no="M0002")
    assert premise.address == "Upper Village 3"
    assert premise.area_type == "rural"
    assert premise.transformer.code == "T1012"
    assert premise.customer.account_no == "A0002"
    assert sorted(Premise.objects.values_list("meter_no", "area_type")) == [
        ("M0001", "urban"),
        ("M0002", "rural"),
        ("M0003", "remote"),
        ("M0004", "urban"),
    ]


@pytest.mark.django_db
def test_import_stores_phones_in_the_canonical_form_and_keeps_each_of_a_customers_numbers(
    tmp_path,
):
    import_grid(write_csv(tmp_path / "grid.csv", grid_rows()))

    assert sorted(CustomerPhone.objects.values_list("customer__account_no", "number")) == [
        ("A0001", "07632281234"),
        ("A0002", "07632285678"),
        ("A0002", "13800138000"),
        ("A0003", "07632290001"),
    ]


@pytest.mark.django_db
def test_one_number_in_any_dialled_form_is_one_phone_of_the_customer(tmp_path):
    rows = grid_rows()
    rows[1]["phone"] = "0086 13800138000"  # rows[2] has "+86 138 0013 8000"
    rows.append({**rows[2], "meter_no": "M0005", "phone": "138-0013-8000"})
    import_grid(write_csv(tmp_path / "grid.csv", rows))
    rows[2]["phone"] = "8613800138000"

    out, _ = import_grid(write_csv(tmp_path / "again.csv", rows))

    phones = CustomerPhone.objects.filter(customer__account_no="A0002")
    assert list(phones.values_list("number", flat=True)) == ["13800138000"]
    assert "phones: 0 added" in out


@pytest.mark.django_db
def test_important_column_true_marks_the_premise_and_false_or_blank_does_not(tmp_path):
    import_grid(write_csv(tmp_path / "grid.csv", grid_rows()))

    assert dict(Premise.objects.values_list("meter_no", "important")) == {
        "M0001": True,
        "M0002": False,
        "M0003": False,
        "M0004": False,
    }


@pytest.mark.django_db
def test_file_without_important_column_imports_every_premise_as_not_important(tmp_path):
    path = write_csv(tmp_path / "grid.csv", grid_rows(), columns=COLUMNS)

    import_grid(path)

    assert Premise.objects.count() == 4
    assert not Premise.objects.filter(important=True).exists()


@pytest.mark.django_db
def test_import_accepts_a_utf8_file_with_byte_order_mark_and_chinese_text(tmp_path):
    rows = grid_rows()
    rows[0]["customer_name"] = "李伟"
    rows[0]["address"] = "桥路1号"
    path = tmp_path / "grid.csv"
    write_csv(path, rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())

    import_grid(path)

    premise = Premise.objects.select_related("customer").get(meter_no="M0001")
    assert premise.customer.name == "李伟"
    assert premise.address == "桥路1号"


# --- idempotency and updates ------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "grid.csv", grid_rows())
    import_grid(path)
    before = snapshot()

    out, _ = import_grid(path)

    assert snapshot() == before
    assert "Nothing changed" in out
    assert "premises: 0 created, 0 updated, 4 unchanged" in out
    assert "customers: 0 created, 0 updated, 3 unchanged" in out
    assert "phones: 0 added" in out


@pytest.mark.django_db
def test_changed_rows_update_customer_and_premise_in_place(tmp_path, imported):
    rows = grid_rows()
    rows[1]["customer_name"] = rows[2]["customer_name"] = "Zhang Minghua"
    rows[0]["address"] = "2 Bridge Road"
    rows[0]["area_type"] = "rural"
    rows[0]["transformer_code"] = "T1012"
    rows[3]["important"] = "true"
    path = write_csv(tmp_path / "changed.csv", rows)
    customer_pk = Customer.objects.get(account_no="A0002").pk
    premise_pk = Premise.objects.get(meter_no="M0001").pk

    out, _ = import_grid(path)

    assert counts() == {name: len(rows) for name, rows in imported.items()}
    customer = Customer.objects.get(account_no="A0002")
    assert (customer.pk, customer.name) == (customer_pk, "Zhang Minghua")
    premise = Premise.objects.select_related("transformer").get(meter_no="M0001")
    assert premise.pk == premise_pk
    assert premise.address == "2 Bridge Road"
    assert premise.area_type == "rural"
    assert premise.transformer.code == "T1012"
    assert Premise.objects.get(meter_no="M0004").important is True
    assert "customers: 0 created, 1 updated, 2 unchanged" in out
    assert "premises: 0 created, 2 updated, 2 unchanged" in out
    assert "Nothing changed" not in out


@pytest.mark.django_db
def test_new_rows_are_added_beside_the_existing_ones(tmp_path, imported):
    rows = grid_rows()
    rows.append({**rows[3], "meter_no": "M0005", "address": "11 Harbour Street"})
    path = write_csv(tmp_path / "more.csv", rows)

    out, _ = import_grid(path)

    assert Premise.objects.count() == 5
    assert Premise.objects.get(meter_no="M0005").customer.account_no == "A0003"
    assert Customer.objects.count() == 3
    assert "premises: 1 created, 0 updated, 4 unchanged" in out


# --- validation: each bad row reported with its line number ----------------------------


def _missing_address(rows):
    rows[2]["address"] = ""


def _unknown_area_type(rows):
    rows[2]["area_type"] = "suburban"


def _malformed_phone(rows):
    rows[2]["phone"] = "call me"


def _short_phone(rows):
    rows[2]["phone"] = "228-12"


def _duplicate_meter(rows):
    rows[2]["meter_no"] = "M0001"


def _account_with_two_names(rows):
    rows[2]["customer_name"] = "Zhang Ming"


def _feeder_on_two_stations(rows):
    rows[2].update(station_code="S01", station_name="South station", feeder_code="F101")


def _bad_important(rows):
    rows[2]["important"] = "maybe"


def _too_many_fields(rows):
    rows[2]["extra"] = "surplus"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_missing_address, "missing address"),
        (_unknown_area_type, "unknown area_type 'suburban' (use urban, rural, remote)"),
        (_malformed_phone, "malformed phone 'call me'"),
        (_short_phone, "malformed phone '228-12'"),
        (_duplicate_meter, "duplicate meter_no M0001 (first on line 2)"),
        (
            _account_with_two_names,
            "account A0002 is named 'Zhang Min' on line 3, not 'Zhang Ming'",
        ),
        (_feeder_on_two_stations, "feeder F101 is on station 'N01' on line 2, not 'S01'"),
        (_bad_important, "important must be true or false, not 'maybe'"),
    ],
    ids=[
        "missing-field",
        "unknown-area-type",
        "malformed-phone",
        "short-phone",
        "duplicate-meter",
        "account-two-names",
        "feeder-two-stations",
        "bad-important",
    ],
)
def test_bad_row_is_reported_with_its_line_and_reason_and_nothing_is_written(
    tmp_path, spoil, reason
):
    rows = grid_rows()
    spoil(rows)
    path = write_csv(tmp_path / "bad.csv", rows)

    message, err = import_rejected(path)

    assert f"Rejected line 4: {reason}" in err
    assert err.count("Rejected line") == 1
    assert message == "1 bad row(s); nothing was imported."
    assert counts() == EMPTY


@pytest.mark.django_db
def test_a_row_with_more_fields_than_the_header_is_rejected(tmp_path):
    path = write_csv(tmp_path / "bad.csv", grid_rows())
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",surplus"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    _, err = import_rejected(path)

    assert "Rejected line 4: more fields than the header has columns" in err
    assert counts() == EMPTY


@pytest.mark.django_db
def test_every_bad_row_in_a_file_is_reported_in_line_order(tmp_path):
    rows = grid_rows()
    rows[0]["area_type"] = "city"
    rows[1]["meter_no"] = ""
    rows[3]["phone"] = "n/a"
    path = write_csv(tmp_path / "bad.csv", rows)

    message, err = import_rejected(path)

    rejected = [line for line in err.splitlines() if line.startswith("Rejected")]
    assert rejected == [
        "Rejected line 2: unknown area_type 'city' (use urban, rural, remote)",
        "Rejected line 3: missing meter_no",
        "Rejected line 5: malformed phone 'n/a'",
    ]
    assert message == "3 bad row(s); nothing was imported."
    assert counts() == EMPTY


@pytest.mark.django_db
def test_line_numbers_count_the_header_and_blank_lines_as_a_spreadsheet_does(tmp_path):
    rows = grid_rows()
    rows[3]["area_type"] = "city"
    path = write_csv(tmp_path / "bad.csv", rows)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")  # a blank line 3 pushes the data rows down by one
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    _, err = import_rejected(path)

    assert "Rejected line 6: unknown area_type 'city'" in err


@pytest.mark.django_db
def test_meter_that_moves_to_another_customer_without_transfer_is_rejected(tmp_path, imported):
    rows = grid_rows()
    rows[2].update(account_no="A0003", customer_name="Wang Fang")
    path = write_csv(tmp_path / "moved.csv", rows)

    message, err = import_rejected(path)

    assert (
        "Rejected line 4: meter M0003 belongs to account A0002, not A0003 "
        "(set transfer=true to move it)"
    ) in err
    assert message == "1 bad row(s); nothing was imported."
    assert snapshot() == imported


@pytest.mark.django_db
def test_meter_moves_to_another_customer_when_the_row_says_transfer_true(tmp_path, imported):
    rows = grid_rows()
    rows[2].update(account_no="A0003", customer_name="Wang Fang", transfer="true")
    path = write_csv(tmp_path / "moved.csv", rows, columns=(*COLUMNS, "important", "transfer"))
    premise_pk = Premise.objects.get(meter_no="M0003").pk

    out, _ = import_grid(path)

    premise = Premise.objects.select_related("customer").get(meter_no="M0003")
    assert premise.pk == premise_pk
    assert premise.customer.account_no == "A0003"
    assert Customer.objects.get(account_no="A0002").premises.count() == 1
    assert "premises: 0 created, 1 updated, 3 unchanged" in out


@pytest.mark.django_db
def test_transfer_with_a_value_other_than_true_or_false_is_rejected(tmp_path):
    rows = grid_rows()
    rows[1]["transfer"] = "please"
    path = write_csv(tmp_path / "bad.csv", rows, columns=(*COLUMNS, "transfer"))

    _, err = import_rejected(path)

    assert "Rejected line 3: transfer must be true or false, not 'please'" in err
    assert counts() == EMPTY


@pytest.mark.django_db
def test_file_missing_a_header_column_is_rejected_whole(tmp_path):
    columns = [name for name in COLUMNS if name not in ("phone", "meter_no")]
    path = write_csv(tmp_path / "bad.csv", grid_rows(), columns=columns)

    message, _ = import_rejected(path)

    assert message == "The header lacks the column(s): phone, meter_no."
    assert counts() == EMPTY


@pytest.mark.django_db
def test_empty_file_is_rejected_for_want_of_a_header(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")

    message, _ = import_rejected(path)

    assert message == "The file is empty: expected a header row."
    assert counts() == EMPTY


@pytest.mark.django_db
def test_file_that_is_not_utf8_is_rejected(tmp_path):
    rows = grid_rows()
    rows[0]["customer_name"] = "李伟"
    path = write_csv(tmp_path / "gbk.csv", rows)
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))

    message, _ = import_rejected(path)

    assert message.startswith(f"{path} is not UTF-8")
    assert counts() == EMPTY


@pytest.mark.django_db
def test_file_that_does_not_exist_is_reported_not_raised_as_a_traceback(tmp_path):
    message, _ = import_rejected(tmp_path / "nowhere.csv")

    assert message.startswith(f"Cannot read {tmp_path / 'nowhere.csv'}")


# --- all or nothing, and --skip-invalid -------------------------------------------------


@pytest.mark.django_db
def test_file_with_one_bad_row_writes_nothing_on_an_empty_database(tmp_path):
    rows = grid_rows()
    rows[3]["area_type"] = "city"
    path = write_csv(tmp_path / "bad.csv", rows)

    import_rejected(path)

    assert counts() == EMPTY


@pytest.mark.django_db
def test_file_with_one_bad_row_writes_nothing_on_a_database_that_has_data(tmp_path, imported):
    rows = grid_rows()
    rows[0]["customer_name"] = "Li Wei Jr"  # an update
    rows[1]["phone"] = "0763 111 2222"  # a new phone
    rows.append({**rows[3], "station_code": "E01", "station_name": "East", "feeder_code": "F301"})
    rows[-1].update(transformer_code="T3011", account_no="A0009", meter_no="M0009")
    rows.append({**rows[3], "meter_no": "M0010", "area_type": "city"})  # the bad row, line 7
    path = write_csv(tmp_path / "mixed.csv", rows)

    message, err = import_rejected(path)

    assert "Rejected line 7: unknown area_type 'city'" in err
    assert message == "1 bad row(s); nothing was imported."
    assert snapshot() == imported


@pytest.mark.django_db
def test_skip_invalid_imports_the_good_rows_and_reports_the_bad_ones(tmp_path):
    rows = grid_rows()
    rows[1]["area_type"] = "city"
    rows[3]["phone"] = "n/a"
    path = write_csv(tmp_path / "mixed.csv", rows)

    out, err = import_grid(path, "--skip-invalid")

    assert sorted(Premise.objects.values_list("meter_no", flat=True)) == ["M0001", "M0003"]
    assert sorted(Customer.objects.values_list("account_no", flat=True)) == ["A0001", "A0002"]
    assert sorted(Transformer.objects.values_list("code", flat=True)) == ["T1011", "T1021"]
    assert list(Station.objects.values_list("code", flat=True)) == ["N01"]
    assert CustomerPhone.objects.count() == 2
    assert "Skipped line 3: unknown area_type 'city'" in err
    assert "Skipped line 5: malformed phone 'n/a'" in err
    assert "premises: 2 created, 0 updated, 0 unchanged" in out
    assert "rejected: 2 rows" in out


@pytest.mark.django_db
def test_skip_invalid_skips_a_meter_moving_without_transfer_and_keeps_its_owner(tmp_path, imported):
    rows = grid_rows()
    rows[2].update(account_no="A0003", customer_name="Wang Fang")
    rows[0]["address"] = "2 Bridge Road"
    path = write_csv(tmp_path / "moved.csv", rows)

    out, err = import_grid(path, "--skip-invalid")

    assert "Skipped line 4: meter M0003 belongs to account A0002" in err
    assert Premise.objects.get(meter_no="M0003").customer.account_no == "A0002"
    assert Premise.objects.get(meter_no="M0001").address == "2 Bridge Road"
    assert "rejected: 1 rows" in out


@pytest.mark.django_db
def test_rejected_file_raises_command_error_with_the_number_of_bad_rows(tmp_path):
    rows = grid_rows()
    rows[0]["phone"] = "x"
    rows[1]["phone"] = "y"
    path = write_csv(tmp_path / "bad.csv", rows)

    with pytest.raises(CommandError, match=r"^2 bad row\(s\); nothing was imported\.$"):
        call_command("import_grid", str(path), stdout=io.StringIO(), stderr=io.StringIO())


# --- bulk writes --------------------------------------------------------------------------

not_on_sqlite = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite caps a statement at 999 parameters, so Django splits bulk writes into "
    "batches and the count grows in steps; the bounded test covers SQLite",
)


def _queries_to_import(path) -> int:
    with CaptureQueriesContext(connection) as queries:
        import_grid(path)
    return len(queries)


@pytest.mark.django_db
@not_on_sqlite
def test_importing_500_rows_takes_as_many_queries_as_importing_50(tmp_path):
    small = write_csv(tmp_path / "small.csv", generated_rows(50, "a"))
    large = write_csv(tmp_path / "large.csv", generated_rows(500, "b"))

    small_queries = _queries_to_import(small)
    large_queries = _queries_to_import(large)

    assert Premise.objects.count() == 550
    assert large_queries == small_queries


@pytest.mark.django_db
def test_importing_or_updating_500_rows_takes_a_handful_of_queries_not_one_per_row(
    tmp_path, django_assert_max_num_queries
):
    path = write_csv(tmp_path / "large.csv", generated_rows(500, "b"))

    rows = generated_rows(500, "b")
    for row in rows:
        row["customer_name"] += " (renamed)"
        row["address"] += ", rear"
    changed = write_csv(tmp_path / "changed.csv", rows)

    with django_assert_max_num_queries(25):
        import_grid(path)
    with django_assert_max_num_queries(25):
        import_grid(changed)

    assert counts() == {
        "Station": 3,
        "Feeder": 10,
        "Transformer": 50,
        "Customer": 500,
        "CustomerPhone": 500,
        "Premise": 500,
    }
    assert Customer.objects.filter(name__endswith=" (renamed)").count() == 500
    assert Premise.objects.filter(address__endswith=", rear").count() == 500


@pytest.mark.django_db
@not_on_sqlite
def test_reimporting_500_changed_rows_takes_as_many_queries_as_50(tmp_path):
    small_rows, large_rows = generated_rows(50, "a"), generated_rows(500, "b")
    import_grid(write_csv(tmp_path / "small.csv", small_rows))
    import_grid(write_csv(tmp_path / "large.csv", large_rows))
    for row in (*small_rows, *large_rows):
        row["customer_name"] += " (renamed)"
        row["address"] += ", rear"

    small_queries = _queries_to_import(write_csv(tmp_path / "small2.csv", small_rows))
    large_queries = _queries_to_import(write_csv(tmp_path / "large2.csv", large_rows))

    assert Premise.objects.filter(address__endswith=", rear").count() == 550
    assert large_queries == small_queries
