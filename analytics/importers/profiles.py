"""Buyer profiles: birthday or age, gender, tags and the bad-review flag, keyed by buyer id.

Same rules as order imports: one transaction, bad values reported by line and column and
skipped (the file refused past 5%), profiles upserted by customer_id with the previous
version kept so the import can be undone.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from analytics.errors import ImportRefused
from analytics.importers import replay
from analytics.importers.detect import Detection
from analytics.importers.formats import Format
from analytics.importers.orders import ImportResult, checked_problems, file_sha256, record, stage
from analytics.importers.reader import open_table
from analytics.store import bump_data_version, transaction

PROFILE_FIELDS = ("customer_id", "birthday", "age", "gender", "tags", "bad_review")

PROFILE_FORMAT = Format(
    platform="profiles",
    label="客户资料 Buyer profiles",
    columns={
        "customer_id": (
            "customer_id",
            "买家会员名",
            "会员名",
            "买家",
            "买家昵称",
            "客户",
            "客户ID",
            "customer",
            "buyer",
        ),
        "birthday": ("birthday", "生日", "出生日期", "birth_date"),
        "age": ("age", "年龄"),
        "gender": ("gender", "性别", "sex"),
        "tags": ("tags", "标签", "tag"),
        "bad_review": ("bad_review", "差评", "是否差评", "bad review"),
    },
)

_PARSE_SQL = """
CREATE OR REPLACE TEMP TABLE parsed AS
SELECT row_no,
    nullif(trim(coalesce(customer_id, '')), '') AS customer_id,
    nullif(trim(coalesce(birthday, '')), '') AS birthday_raw,
    nullif(trim(coalesce(age, '')), '') AS age_raw,
    nullif(trim(coalesce(gender, '')), '') AS gender,
    nullif(trim(coalesce(tags, '')), '') AS tags,
    nullif(lower(trim(coalesce(bad_review, ''))), '') AS bad_review_raw,
    CAST(try_strptime(birthday_raw, ['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y-%m-%d %H:%M:%S'])
        AS DATE) AS birthday,
    TRY_CAST(TRY_CAST(age_raw AS DOUBLE) AS INTEGER) AS age,
    CASE WHEN bad_review_raw IN ('1', 'true', 'yes', 'y', '是', '有') THEN true
         WHEN bad_review_raw IN ('0', 'false', 'no', 'n', '否', '无') THEN false END
        AS bad_review
FROM stage
WHERE coalesce(customer_id, '') || coalesce(birthday, '') || coalesce(age, '') <> ''
"""

_PROBLEMS_SQL = """
CREATE OR REPLACE TEMP TABLE problems AS
SELECT row_no, 'customer_id' AS field, '' AS value, 'missing_buyer' AS code
    FROM parsed WHERE customer_id IS NULL
UNION ALL SELECT row_no, 'birthday', birthday_raw, 'bad_date'
    FROM parsed WHERE birthday_raw IS NOT NULL AND birthday IS NULL
UNION ALL SELECT row_no, 'age', age_raw, 'bad_age'
    FROM parsed WHERE age_raw IS NOT NULL AND (age IS NULL OR age < 0 OR age > 120)
UNION ALL SELECT row_no, 'bad_review', bad_review_raw, 'bad_flag'
    FROM parsed WHERE bad_review_raw IS NOT NULL AND bad_review IS NULL
"""

_UPSERT_SQL = """
CREATE OR REPLACE TEMP TABLE incoming AS
SELECT customer_id, birthday,
    coalesce(age, CAST(date_diff('year', birthday, current_date) AS INTEGER)) AS age,
    gender, tags, bad_review, $import_id AS import_id
FROM parsed ANTI JOIN problems USING (row_no)
QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY row_no DESC) = 1;

CREATE OR REPLACE TEMP TABLE diff AS
SELECT n.customer_id, p.customer_id IS NULL AS is_new,
    p.customer_id IS NOT NULL AND (n.birthday, n.age, n.gender, n.tags, n.bad_review)
        IS DISTINCT FROM (p.birthday, p.age, p.gender, p.tags, p.bad_review) AS is_changed
FROM incoming n LEFT JOIN customer_profiles p USING (customer_id);

INSERT INTO profiles_replaced
SELECT p.*, $import_id FROM customer_profiles p SEMI JOIN diff d
    ON d.customer_id = p.customer_id AND d.is_changed;
DELETE FROM customer_profiles p USING diff d WHERE d.customer_id = p.customer_id AND d.is_changed;
INSERT INTO customer_profiles
SELECT n.* FROM incoming n SEMI JOIN diff d
    ON d.customer_id = n.customer_id AND (d.is_new OR d.is_changed);
"""


def import_profiles(con, path: str | Path, *, name: str | None = None) -> ImportResult:
    """Import a buyer-profile table (columns: see ``PROFILE_FORMAT``)."""
    path = Path(path)
    name = name or path.name
    import_id = con.execute("SELECT nextval('import_ids')").fetchone()[0]
    base = {"import_id": import_id, "file_name": name, "started_at": datetime.now(), "shop": None}
    sha = ""
    try:
        sha = file_sha256(path)
        source = open_table(path, name)
        mapping = PROFILE_FORMAT.mapping_for(source.header)
        if "customer_id" not in mapping or len(mapping) < 2:
            raise ImportRefused(name, "profile_columns", columns=", ".join(source.header))
        detection = Detection(PROFILE_FORMAT, "profiles", mapping, ())
        with transaction(con):
            result = _import(con, source, detection, import_id)
            record(con, base, sha, result, None)
            con.execute("UPDATE imports SET kind = 'profiles' WHERE import_id = ?", [import_id])
            bump_data_version(con)
        return result
    except ImportRefused as refused:
        result = ImportResult(import_id, name, "refused", message=refused.reason)
        with transaction(con):
            record(con, base, sha, result, None)
            con.execute("UPDATE imports SET kind = 'profiles' WHERE import_id = ?", [import_id])
        raise


def _import(con, source, detection: Detection, import_id: int) -> ImportResult:
    stage(con, source, detection.mapping, PROFILE_FIELDS)
    con.execute(_PARSE_SQL)
    con.execute(_PROBLEMS_SQL)
    rows_read, problems, bad = checked_problems(con, source, detection.mapping)
    for statement in _UPSERT_SQL.split(";"):
        if statement.strip():
            con.execute(statement, {"import_id": import_id} if "$import_id" in statement else None)
    inserted, updated, unchanged = con.execute(
        "SELECT count(*) FILTER (is_new), count(*) FILTER (is_changed), "
        "count(*) FILTER (NOT is_new AND NOT is_changed) FROM diff"
    ).fetchone()
    replay.record_profiles(con, import_id)
    con.execute("DROP VIEW IF EXISTS stage")
    for temp in ("stage_raw", "unreadable", "parsed", "problems", "incoming", "diff"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    return ImportResult(
        import_id,
        source.name,
        "imported",
        platform="profiles",
        reason=detection.reason,
        rows_read=rows_read,
        inserted=inserted,
        updated=updated,
        unchanged=unchanged,
        rejected=bad,
        problems=tuple(problems),
    )
