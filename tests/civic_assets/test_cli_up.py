"""`civic up` fails runs that an earlier shutdown left in progress."""

import dagster as dg

from civic_assets.cli import fail_orphaned_runs


def test_runs_left_in_progress_are_failed_with_a_reason():
    with dg.instance_for_test() as instance:
        stuck = instance.add_run(dg.DagsterRun(job_name="__ephemeral_asset_job__",
                                               status=dg.DagsterRunStatus.STARTED))
        done = instance.add_run(dg.DagsterRun(job_name="__ephemeral_asset_job__",
                                              status=dg.DagsterRunStatus.SUCCESS))
        assert fail_orphaned_runs(instance) == 1
        assert instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(done.run_id).status == dg.DagsterRunStatus.SUCCESS
        failure = instance.all_logs(stuck.run_id)[-1]
        assert "stopped while this run was in progress" in failure.message
        assert fail_orphaned_runs(instance) == 0
