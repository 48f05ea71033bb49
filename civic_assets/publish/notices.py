"""Change notices to a dataset's confirmed subscribers, one run per publication: the
notice sensor sees each new catalog.versions row and requests a run of the notice job
with the run key `<slug>:v<version>`, so a publication is announced once, and the
run can be seen and retried in the Dagster UI."""

import dagster as dg

from catalog.subscriptions import (
    confirmed_subscribers,
    publications_after,
    record_notice,
    version_change,
)
from civic_assets.resources import CivicDatabase, Mailer

NOTICE_JOB = "publication_notice_job"


class NoticeConfig(dg.Config):
    slug: str
    version: int


def notice_text(change: dict, *, link: str, unsubscribe: str) -> tuple[str, str]:
    """Subject and body of one notice: version, record-count change, columns, link."""
    title = change["title_en"] or change["title_fr"]
    lines = [f"{title}: version {change['version']} was published.", ""]
    if change["previous_row_count"] is None:
        lines.append(f"Records: {change['row_count']:,} (first publication).")
    else:
        delta = change["row_count"] - change["previous_row_count"]
        lines.append(f"Records: {change['row_count']:,} ({delta:+,} since version "
                     f"{change['version'] - 1}).")
    if change["columns_added"]:
        lines.append("Columns added: " + ", ".join(change["columns_added"]) + ".")
    if change["columns_removed"]:
        lines.append("Columns removed: " + ", ".join(change["columns_removed"]) + ".")
    if not change["columns_added"] and not change["columns_removed"]:
        lines.append("Columns: unchanged.")
    lines += ["", f"See it: {link}", "",
              f"Version {change['version']} de « {change['title_fr'] or title} » est publiée.",
              "", f"Unsubscribe / se désabonner : {unsubscribe}"]
    return f"{title}: version {change['version']} published", "\n".join(lines)


@dg.op(retry_policy=dg.RetryPolicy(max_retries=3, delay=30))
def send_publication_notice(context: dg.OpExecutionContext, config: NoticeConfig,
                            civic_db: CivicDatabase, mailer: Mailer) -> None:
    """Mail the change notice to every confirmed subscriber of the dataset."""
    with civic_db.connect(autocommit=True) as conn:
        change = version_change(conn, slug=config.slug, version=config.version)
        subscribers = confirmed_subscribers(conn, slug=config.slug)
        base = mailer.public_base_url
        link = f"{base}/portal/datasets/{config.slug}"
        sent = 0
        for subscriber in subscribers:
            subject, body = notice_text(
                change, link=link,
                unsubscribe=f"{base}/portal/subscriptions/{subscriber['token']}/unsubscribe")
            problem = mailer.cannot_send([subscriber["email"]])
            if problem:
                context.log.warning(f"notice not sent: {problem}")
                break
            mailer.send(to=[subscriber["email"]], subject=subject, body=body)
            sent += 1
        record_notice(conn, slug=config.slug, version=config.version, recipients=sent)
    context.log.info(f"{config.slug} v{config.version}: notice sent to {sent} of "
                     f"{len(subscribers)} confirmed subscribers")


@dg.job(name=NOTICE_JOB, description="Mails one publication's change notice to the "
                                      "dataset's confirmed subscribers.")
def publication_notice_job() -> None:
    send_publication_notice()


@dg.sensor(job=publication_notice_job, minimum_interval_seconds=30,
           default_status=dg.DefaultSensorStatus.RUNNING)
def publication_notice_sensor(context: dg.SensorEvaluationContext,
                              civic_db: CivicDatabase) -> dg.SensorResult:
    """A run per new publication; the cursor is the last publication seen."""
    with civic_db.connect(autocommit=True) as conn:
        if context.cursor is None:
            # first tick: announce from now on, not every version ever published
            latest = publications_after(conn, after_id=None, limit=1_000_000)
            cursor = _cursor(latest[-1]) if latest else ""
            return dg.SensorResult(run_requests=[], cursor=cursor)
        rows = publications_after(conn, after_id=context.cursor or None)
    requests = [dg.RunRequest(
        run_key=f"{row['slug']}:v{row['version']}",
        run_config={"ops": {"send_publication_notice": {"config": {
            "slug": row["slug"], "version": row["version"]}}}},
        tags={"civic/dataset": row["slug"]}) for row in rows]
    return dg.SensorResult(run_requests=requests,
                           cursor=_cursor(rows[-1]) if rows else context.cursor)


def _cursor(row: dict) -> str:
    return f"{row['published_at'].isoformat()}|{row['slug']}|{row['version']}"
