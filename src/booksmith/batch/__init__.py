"""Convert a folder of texts to books: plan (what to build), run (on a pool or a cluster), watch."""

from booksmith.batch.plan import CONVERTED, FAILED, SKIPPED, Job, JobResult, Plan, plan_batch
from booksmith.batch.run import convert_job, default_jobs, run_plan

__all__ = [
    "CONVERTED",
    "FAILED",
    "SKIPPED",
    "Job",
    "JobResult",
    "Plan",
    "convert_job",
    "default_jobs",
    "plan_batch",
    "run_plan",
    "summary",
]


def summary(plan: Plan, results: list[JobResult], seconds: float) -> dict:
    """The facts of a finished run as JSON-ready data: counts, and each input's status and reason."""
    counts = {status: sum(r.status == status for r in results) for status in (CONVERTED, SKIPPED, FAILED)}
    return {
        "folder": str(plan.root),
        "total": len(results),
        **counts,
        "seconds": round(seconds, 3),
        "warnings": plan.warnings,
        "files": [
            {"path": r.key, "status": r.status, "reason": r.reason, "outputs": list(r.outputs)}
            for r in sorted(results, key=lambda r: r.key)
        ],
    }
