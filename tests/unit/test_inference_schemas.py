"""The deploy bodies: both old shapes, ports as strings, env names and values."""

from typing import Any

import pytest
from marshmallow import ValidationError

from clarus_daemon.api.inference_schemas import DataSpaceDeploySchema, DeploySchema

KIT = {
    "inference_id": "UC_Energy",
    "docker_img_uri": "34.250.205.215:5001/uc_energy:0.0.1",
    "inference_rest_api_port": "8080",
    "inference_rest_api_forward_port": 7070,
}


def test_kit_body_with_string_ports_and_env() -> None:
    data = DeploySchema().load({**KIT, "env": {"A": "x", "N": 3, "F": True}})

    assert (data["inference_rest_api_port"], data["inference_rest_api_forward_port"]) == (
        8080,
        7070,
    )
    assert data["env"] == {"A": "x", "N": "3", "F": "true"}


def test_first_agent_body() -> None:
    data = DeploySchema().load({"exp_id": "UC_Energy", "docker_img": "clarusproject/uc:1"})

    assert data == {"exp_id": "UC_Energy", "docker_img": "clarusproject/uc:1"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "_schema"),
        ({"inference_id": "xy", "docker_img_uri": "y"}, "inference_rest_api_port"),
        ({**KIT, "inference_id": "x"}, "inference_id"),
        ({**KIT, "inference_rest_api_port": "\u0663"}, "inference_rest_api_port"),
        ({**KIT, "env": {"A": "a\x00b"}}, "env"),
        ({"exp_id": "xy"}, "docker_img"),
        ({**KIT, "env": {"9X": "y"}}, "env"),
        ({**KIT, "env": {"X": None}}, "env"),
        ({**KIT, "env": ["A=b"]}, "env"),
        ({**KIT, "inference_rest_api_port": "0"}, "inference_rest_api_port"),
        ({**KIT, "inference_id": "-lead"}, "inference_id"),
        ({**KIT, "docker_img_uri": "a b"}, "docker_img_uri"),
    ],
)
def test_invalid_bodies_name_the_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DeploySchema().load(body)
    assert field in caught.value.normalized_messages()


def test_data_space_body() -> None:
    body = {"exp_id": "UC", "inference_id": "UC", "inference_rest_api_forward_port": "7070"}

    assert DataSpaceDeploySchema().load(body)["inference_rest_api_forward_port"] == 7070
    with pytest.raises(ValidationError, match="exp_id"):
        DataSpaceDeploySchema().load({"inference_id": "UC", "inference_rest_api_forward_port": 1})
