"""No Docker engine runs here: check that the compose file's commands point at real code."""

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_standard_dagster_deployment_services():
    services = _compose()["services"]
    assert {"postgres", "init", "code-server", "webserver", "daemon", "api"} <= set(services)


def _console_scripts() -> dict[str, str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["scripts"]


def _named_target(command: list[str]) -> tuple[str, str]:
    for flag, kind in (("-m", "module"), ("-w", "file")):
        if flag in command:
            return kind, command[command.index(flag) + 1]
    if command[0] == "uvicorn":
        return "module", command[1].split(":")[0]
    scripts = _console_scripts()
    if command[0] in scripts:  # our own console script: the module it runs
        return "module", scripts[command[0]].split(":")[0]
    raise AssertionError(f"cannot tell what {command} runs")


def test_every_command_names_a_module_or_file_that_exists():
    checked = 0
    for name, service in _compose()["services"].items():
        command = service.get("command")
        if not command:
            continue
        kind, target = _named_target(command)
        if kind == "module":
            assert importlib.util.find_spec(target) is not None, f"{name}: no module {target}"
        else:
            assert (ROOT / target).is_file(), f"{name}: no file {target}"
        checked += 1
    assert checked == 5


def test_workspace_files_name_the_code_location():
    local = yaml.safe_load((ROOT / "workspace.yaml").read_text())
    assert local["load_from"][0]["python_module"]["module_name"] == "civic_assets.definitions"
    docker = yaml.safe_load((ROOT / "docker/workspace.yaml").read_text())
    assert docker["load_from"][0]["grpc_server"]["host"] == "code-server"


def test_image_copies_what_the_services_run():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for path in ("civic_assets", "anonymization", "metadata", "api", "dbt_project",
                 "workspace.yaml", "docker/workspace.yaml", "dagster.yaml"):
        assert f"COPY {path}" in dockerfile, path
