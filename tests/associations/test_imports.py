"""The spreadsheet engine, through the associations kind; commands, pages and admin."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from associations.models import Association, Role
from associations.services import association_create, system_actor
from associations.spreadsheets.exporting import write_export, write_template
from associations.spreadsheets.importing import import_file
from associations.spreadsheets.kinds import get_kind, kinds
from tests.associations.sheets import read, sheet_names, xlsx
from tests.conftest import make_person

HEADER = ["编码", "名称", "级别", "上级编码", "成立日期"]


def good_rows():
    return [
        ["33079901203", "甲三村计生协", "村", "33079901", "2001-05-29"],
        ["33079901204", "甲四村计生协", "村", "33079901", dt.date(2002, 5, 29)],
        ["33079901B1", "甲镇第一分会", "分会", "33079901", None],
        # The parent is created two rows above.
        ["33079901205", "甲五村计生协", "村", "33079901B1", "2003年5月29日"],
    ]


def counts(report):
    return report.created, report.updated, report.unchanged


def errors(report):
    return [(e.row, e.column) for e in report.errors]


def test_kinds_are_discovered_from_every_app():
    names = [kind.kind for kind in kinds()]
    assert names[:5] == ["associations", "members", "households", "liaisons", "positions"]
    with pytest.raises(LookupError):
        get_kind("nonsense")


def test_good_file_creates_and_the_same_file_again_changes_nothing(network, town_secretary):
    report = import_file("associations", xlsx(HEADER, *good_rows()), by=town_secretary)
    assert report.ok, report.errors
    assert counts(report) == (4, 0, 0)
    village = Association.objects.get(code="33079901205")
    assert village.path == "330799/33079901/33079901B1/33079901205/"
    assert village.level == "village" and village.founded_on == dt.date(2003, 5, 29)
    again = import_file("associations", xlsx(HEADER, *good_rows()), by=town_secretary)
    assert again.ok and counts(again) == (0, 0, 4)


def test_dry_run_reports_but_writes_nothing(network, town_secretary):
    report = import_file(
        "associations", xlsx(HEADER, *good_rows()), by=town_secretary, dry_run=True
    )
    assert report.ok and counts(report) == (4, 0, 0) and not report.committed
    assert not Association.objects.filter(code="33079901203").exists()


def test_changed_cells_update_and_blank_cells_keep(network, town_secretary):
    rows = [
        ["33079901201", "甲一村计生协（改）", "村", "33079901", None],  # rename
        ["33079901202", "甲二村计生协", "村", None, None],  # blank parent: unchanged
    ]
    report = import_file("associations", xlsx(HEADER, *rows), by=town_secretary)
    assert report.ok and counts(report) == (0, 1, 1)
    village = Association.objects.get(code="33079901201")
    assert village.name == "甲一村计生协（改）" and village.population == 800


def test_a_changed_parent_moves_the_association(network, county_secretary):
    rows = [["33079901202", "甲二村计生协", "村", "33079902", None]]
    report = import_file("associations", xlsx(HEADER, *rows), by=county_secretary)
    assert report.ok and counts(report) == (0, 1, 0)
    assert Association.objects.get(code="33079901202").path == "330799/33079902/33079901202/"


def test_dissolving_by_import(network, town_secretary):
    header = [*HEADER, "撤销日期"]
    rows = [["33079901202", "甲二村计生协", "村", "33079901", None, "2024-12-31"]]
    report = import_file("associations", xlsx(header, *rows), by=town_secretary)
    assert report.ok and counts(report) == (0, 1, 0)
    assert Association.objects.get(code="33079901202").dissolved_on == dt.date(2024, 12, 31)


def test_export_imports_back_unchanged(network, county_secretary, tmp_path):
    path = tmp_path / "associations.xlsx"
    assert write_export("associations", path, scope=network["county"], by=county_secretary) == 7
    rows = read(path)
    assert rows[0] == ("编码", "名称", "级别", "上级编码", "成立日期", "人口数", "地址", "撤销日期")
    assert [r[0] for r in rows[1:]][:2] == ["330799", "33079901"]  # parents first
    assert rows[1][2] == "县（区）" and rows[2][2] == "镇乡（街道）"
    report = import_file("associations", path, by=county_secretary)
    assert report.ok and counts(report) == (0, 0, 7)


def test_town_export_imports_back_although_its_parent_is_out_of_scope(
    network, town_secretary, tmp_path
):
    path = tmp_path / "town.xlsx"
    write_export("associations", path, scope=network["town_a"], by=town_secretary)
    assert read(path)[1][:4] == ("33079901", "甲镇计生协", "镇乡（街道）", "330799")
    report = import_file("associations", path, by=town_secretary)
    assert report.ok and counts(report) == (0, 0, 4)


def test_export_into_an_empty_network_recreates_it(network, tmp_path, django_db_blocker):
    path = tmp_path / "town.xlsx"
    write_export("associations", path, scope=network["town_a"], by=system_actor())
    # Rename every code so the same file builds a second, parallel town under the county.
    rows = read(path)
    renamed = [
        [
            r[0].replace("33079901", "33079903"),
            r[1],
            r[2],
            r[3].replace("33079901", "33079903") if r[3] else None,
            *r[4:],
        ]
        for r in rows[1:]
    ]
    report = import_file("associations", xlsx(rows[0], *renamed), by=system_actor())
    assert report.ok and counts(report) == (4, 0, 0)
    assert Association.objects.get(code="33079903201").path == "330799/33079903/33079903201/"


def test_mixed_file_imports_nothing_and_reports_every_bad_row(network, town_secretary):
    rows = [
        ["33079901203", "甲三村计生协", "村", "33079901", "2001-05-29"],  # row 2: good
        ["33079901204", "甲四村计生协", "大队", "33079901", None],  # row 3: level
        ["33079901205", None, "村", "33079901", None],  # row 4: name missing
        ["33079901206", "甲六村计生协", "村", "33079901", "2001-02-30"],  # row 5: date
        ["33079901203", "甲三村重复", "村", "33079901", None],  # row 6: duplicate of row 2
        ["33079901207", "甲七村计生协", "村", "99999999", None],  # row 7: unknown parent
        ["33079901208", "甲八村计生协", "村", "33079901201", None],  # row 8: village under village
        [None, None, None, None, None],  # blank line: skipped
        ["33079901209", "甲九村计生协", "村", "33079901", None],  # row 10: good
    ]
    report = import_file("associations", xlsx(HEADER, *rows), by=town_secretary)
    assert not report.ok
    assert errors(report) == [
        (3, "级别"),
        (4, "名称"),
        (5, "成立日期"),
        (6, "编码"),
        (7, "上级编码"),
        (8, "上级编码"),
    ]
    messages = [e.message for e in report.errors]
    assert "大队" in messages[0] and "必填" in messages[1] and "不存在" in messages[2]
    assert "第 2 行重复" in messages[3] and "99999999" in messages[4]
    assert "隶属于" in messages[5]
    assert report.created == 2  # would have been created: the good rows
    assert not Association.objects.filter(code__in=["33079901203", "33079901209"]).exists()
    assert "没有导入任何数据" in report.summary()


def test_rows_outside_the_scope_are_errors(network, town_secretary):
    rows = [
        ["33079902202", "乙二村计生协", "村", "33079902", None],  # under town B
        ["33079902201", "乙一村计生协（改）", "村", "33079902", None],  # town B's village
        ["33079901210", "新村", "村", None, None],  # a root
    ]
    report = import_file("associations", xlsx(HEADER, *rows), by=town_secretary)
    assert errors(report) == [(2, "上级编码"), (3, "编码"), (4, "上级编码")]
    assert "管辖范围" in report.errors[0].message and "管辖范围" in report.errors[1].message
    assert not Association.objects.filter(code="33079902202").exists()
    assert Association.objects.get(code="33079902201").name == "乙一村计生协"


def test_traditional_headers_and_values(network, town_secretary):
    header = ["編碼", "名稱", "級別", "上級編碼", "成立日期"]
    rows = [
        ["33079901E1", "甲鎮企業計生協", "企業", "33079901", "2023/9/25"],
        ["33079901301", "甲鎮村", "村", "33079901", None],
    ]
    report = import_file("associations", xlsx(header, *rows), by=town_secretary)
    assert report.ok and counts(report) == (2, 0, 0)
    enterprise = Association.objects.get(code="33079901E1")
    assert enterprise.level == "enterprise" and enterprise.name == "甲鎮企業計生協"


def test_excel_dates_and_text_dates_read_the_same(network, town_secretary):
    rows = [
        ["33079901203", "甲三村", "村", "33079901", dt.datetime(2001, 5, 29)],
        ["33079901204", "甲四村", "村", "33079901", "2001.5.29"],
        ["33079901205", "甲五村", "村", "33079901", 37040],  # a date cell shown as "General"
    ]
    report = import_file("associations", xlsx(HEADER, *rows), by=town_secretary)
    assert report.ok
    founded = set(
        Association.objects.filter(code__in=[r[0] for r in rows]).values_list(
            "founded_on", flat=True
        )
    )
    assert founded == {dt.date(2001, 5, 29)}


def test_header_problems_are_row_one_errors(network, town_secretary):
    report = import_file(
        "associations", xlsx(["编码", "名称", "备注"], ["1", "x", "y"]), by=town_secretary
    )
    assert errors(report) == [(1, "级别")] and report.ignored_columns == ["备注"]
    report = import_file("associations", xlsx(["编码", "編碼", "名称", "级别"]), by=town_secretary)
    assert errors(report) == [(1, "編碼")]
    report = import_file("associations", xlsx(["*编码", "名称（必填）", "级别"]), by=system_actor())
    assert report.errors[0].row == 2 and "没有数据" in report.errors[0].message


def test_not_a_spreadsheet(network, town_secretary):
    report = import_file("associations", BytesIO(b"not a zip"), by=town_secretary)
    assert errors(report) == [(1, "")] and ".xlsx" in report.errors[0].message


def test_read_only_and_homeless_accounts_cannot_import(network, county_officer, superuser):
    report = import_file("associations", xlsx(HEADER, *good_rows()), by=county_officer)
    assert "只读" in report.errors[0].message
    report = import_file("associations", xlsx(HEADER, *good_rows()), by=superuser)
    assert report.ok  # a superuser without a home association sees everything


def test_template_has_headers_and_a_documentation_sheet():
    buffer = BytesIO()
    write_template("associations", buffer)
    buffer.seek(0)
    assert sheet_names(buffer) == ["协会", "填写说明"]
    buffer.seek(0)
    assert read(buffer) == [
        ("编码", "名称", "级别", "上级编码", "成立日期", "人口数", "地址", "撤销日期")
    ]


# ── commands ─────────────────────────────────────────────────────────────────


def test_import_command_summary_and_exit_codes(network, tmp_path, capsys):
    good = xlsx(HEADER, *good_rows(), path=tmp_path / "good.xlsx")
    call_command("import_records", "associations", str(good), "--dry-run")
    assert "新增 4 条" in capsys.readouterr().out
    assert not Association.objects.filter(code="33079901203").exists()
    call_command("import_records", "associations", str(good))
    assert "新增 4 条，更新 0 条，未变 0 条，错误 0 处" in capsys.readouterr().out
    bad = xlsx(HEADER, ["33079901299", "坏村", "大队", "33079901", None], path=tmp_path / "b.xlsx")
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_records", "associations", str(bad))
    assert "第 2 行〔级别〕" in capsys.readouterr().out


def test_import_command_as_a_user_is_scoped(network, outsider, tmp_path, capsys):
    good = xlsx(HEADER, *good_rows(), path=tmp_path / "good.xlsx")
    with pytest.raises(CommandError):
        call_command("import_records", "associations", str(good), "--as-user", "outsider")
    assert "管辖范围" in capsys.readouterr().out
    with pytest.raises(CommandError, match="没有名为"):
        call_command("import_records", "associations", str(good), "--as-user", "nobody")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_records", "associations", str(tmp_path / "missing.xlsx"))


def test_export_command(network, outsider, tmp_path, capsys):
    target = tmp_path / "out.xlsx"
    call_command("export_records", "associations", "--scope", "33079901", "-o", str(target))
    assert "已导出 4 条协会" in capsys.readouterr().out
    assert len(read(target)) == 5
    with pytest.raises(CommandError, match="管辖范围"):
        call_command(
            "export_records", "associations", "--scope", "33079901", "-o", str(target),
            "--as-user", "outsider",
        )  # fmt: skip


# ── staff pages ──────────────────────────────────────────────────────────────


def upload(client, kind, file):
    # The check is a page of its own (a reload or a language switch shows it again).
    return client.post(
        reverse("associations:import_upload", args=[kind]), {"file": file}, follow=True
    )


def test_page_lists_kinds_with_template_export_and_upload(client_for, village_clerk):
    response = client_for(village_clerk).get(reverse("associations:imports"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "导入导出" in page and "上传并预检" in page
    assert reverse("associations:import_template", args=["members"]) in page


def test_page_queries_are_bounded(client_for, county_secretary, django_assert_max_num_queries):
    client = client_for(county_secretary)
    with django_assert_max_num_queries(9):  # 8 + the session renewal
        assert client.get(reverse("associations:imports")).status_code == 200


def test_officer_sees_exports_but_cannot_upload(client_for, county_officer):
    client = client_for(county_officer)
    page = client.get(reverse("associations:imports")).content.decode()
    assert "上传并预检" not in page and "导出" in page
    url = reverse("associations:import_upload", args=["associations"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": xlsx(HEADER, *good_rows())}).status_code == 403
    assert client.post(reverse("associations:import_confirm"), {"token": "x"}).status_code == 403


def test_template_download(client_for, village_clerk):
    response = client_for(village_clerk).get(
        reverse("associations:import_template", args=["associations"])
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert read(b"".join(response.streaming_content))[0][0] == "编码"
    missing = reverse("associations:import_template", args=["nonsense"])
    assert client_for(village_clerk).get(missing).status_code == 404


def test_upload_previews_then_confirm_imports(client_for, town_secretary, settings):
    uploads_dir = settings.PRIVATE_FILES_DIR / "uploads"
    client = client_for(town_secretary)
    response = upload(client, "associations", xlsx(HEADER, *good_rows()))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and counts(report) == (4, 0, 0)
    assert "确认导入" in response.content.decode()
    assert not Association.objects.filter(code="33079901203").exists()  # preview only
    token = response.context["token"]
    [kept] = uploads_dir.iterdir()  # kept server-side until confirmed, for its owner only
    assert kept.stat().st_mode & 0o777 == 0o600
    assert uploads_dir.stat().st_mode & 0o777 == 0o700
    response = client.post(reverse("associations:import_confirm"), {"token": token})
    assert response.status_code == 200 and response.context["report"].committed
    assert Association.objects.filter(code="33079901205").exists()
    assert not list(uploads_dir.iterdir())
    # The same token cannot import twice.
    response = client.post(reverse("associations:import_confirm"), {"token": token})
    assert response.status_code == 302


def test_confirm_revalidates(client_for, town_secretary, network):
    client = client_for(town_secretary)
    rows = [["33079901203", "甲三村计生协", "村", "33079901201", None]]  # under a village A1 …
    response = upload(client, "associations", xlsx(HEADER, *rows))
    assert not response.context["report"].ok  # … which a village may not have
    rows = [["33079901203", "甲三村计生协", "村", "33079901", None]]
    response = upload(client, "associations", xlsx(HEADER, *rows))
    token = response.context["token"]
    # Between preview and confirmation someone in town B takes the code.
    association_create(
        by=system_actor(),
        code="33079901203",
        name="抢先",
        level="village",
        parent=network["town_b"],
    )
    response = client.post(reverse("associations:import_confirm"), {"token": token})
    assert not response.context["report"].committed
    assert "没有导入任何数据" in response.content.decode()


def test_preview_shows_every_error(client_for, town_secretary, settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    rows = [
        ["33079901203", "甲三村", "大队", "33079901", None],
        ["33079901204", "甲四村", "村", "33079901", "昨天"],
    ]
    response = upload(client_for(town_secretary), "associations", xlsx(HEADER, *rows))
    page = response.content.decode()
    assert "确认导入" not in page
    assert "大队" in page and "昨天" in page and "2 行有错误" in page


def test_upload_rejects_other_files(client_for, town_secretary):
    bad = BytesIO(b"a,b")
    bad.name = "data.csv"
    response = upload(client_for(town_secretary), "associations", bad)
    assert response.status_code == 200 and ".xlsx" in response.content.decode()
    assert "report" not in response.context


def test_outsider_cannot_import_into_another_town(client_for, outsider, settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path
    response = upload(client_for(outsider), "associations", xlsx(HEADER, *good_rows()))
    report = response.context["report"]
    assert not report.ok and "确认导入" not in response.content.decode()
    assert {e.column for e in report.errors} == {"上级编码"}
    assert "不存在，或不在您的管辖范围内" in report.errors[0].message


def test_export_page_is_scoped(client_for, town_secretary, network):
    client = client_for(town_secretary)
    response = client.get(reverse("associations:export", args=["associations"]))
    assert response.status_code == 200
    rows = read(b"".join(response.streaming_content))
    assert [r[0] for r in rows[1:]] == ["33079901", "33079901001", "33079901201", "33079901202"]
    url = reverse("associations:export", args=["associations"])
    assert client.get(url, {"scope": network["town_b"].pk}).status_code == 404
    assert client.get(url, {"scope": "33079901201"}).status_code == 404  # pk, not a code
    response = client.get(url, {"scope": network["village_a1"].pk})
    assert len(read(b"".join(response.streaming_content))) == 2


def test_nav_links_the_page(client_for, village_clerk):
    page = client_for(village_clerk).get(reverse("associations:tree")).content.decode()
    assert reverse("associations:imports") in page


# ── admin ────────────────────────────────────────────────────────────────────


def test_admin_import_previews_and_confirms_through_the_engine(client_for, town_admin):
    client = client_for(town_admin)
    url = reverse("admin:associations_association_import")
    response = client.post(
        url, {"format": "0", "resource": "0", "import_file": xlsx(HEADER, *good_rows())}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_validation_errors() and result.totals["new"] == 4
    assert not Association.objects.filter(code="33079901203").exists()
    confirm = response.context["confirm_form"].initial
    response = client.post(reverse("admin:associations_association_process_import"), confirm)
    assert response.status_code == 302
    assert Association.objects.filter(code="33079901205").exists()


def test_admin_import_reports_rows_and_is_scoped(client_for, network):
    client = client_for(make_person("town_b_admin", network["town_b"], Role.ADMIN))
    url = reverse("admin:associations_association_import")
    rows = [*good_rows(), ["33079902202", "乙二村", "大队", "33079902", None]]
    response = client.post(url, {"format": "0", "import_file": xlsx(HEADER, *rows)})
    result = response.context["result"]
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [2, 3, 4, 5, 6]
    assert "confirm_form" not in response.context
    assert not Association.objects.filter(code="33079902202").exists()


def test_staff_other_than_administrators_have_no_admin(client_for, county_officer, town_secretary):
    for person in (county_officer, town_secretary):
        response = client_for(person).get(reverse("admin:associations_association_import"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_export_is_scoped(client_for, town_admin):
    client = client_for(town_admin)
    response = client.post(
        reverse("admin:associations_association_export"), {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    rows = read(response.content)
    assert rows[0][0] == "编码" and {r[0] for r in rows[1:]} == {
        "33079901",
        "33079901001",
        "33079901201",
        "33079901202",
    }
