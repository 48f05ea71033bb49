import pandas as pd

from civic_assets.demo.generator import generate_requests, neighbourhood_cells

PERSONAL_FIELDS = ["requester_name", "requester_phone", "requester_email", "street_address",
                   "postal_code", "latitude", "longitude", "requester_age"]


def test_demo_is_deterministic_for_a_seed():
    a = generate_requests(2_000, seed=7)
    b = generate_requests(2_000, seed=7)
    c = generate_requests(2_000, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_demo_has_the_personal_fields_of_a_raw_export():
    frame = generate_requests(5_000, seed=1)
    assert len(frame) == 5_000
    for column in PERSONAL_FIELDS:
        assert frame[column].notna().all(), column
    assert frame["requester_email"].str.contains("@").all()
    assert frame["postal_code"].str.fullmatch(r"K\d[A-Z] \d[A-Z]\d").all()
    # some descriptions carry a phone number or an email, as free text really does
    with_contact = frame["description"].str.contains(r"\d{3}-\d{3}-\d{4}|@", regex=True)
    assert 0.05 < with_contact.mean() < 0.25
    # exports repeat rows
    assert frame.duplicated().sum() == 5_000 // 200


def test_points_fall_inside_their_neighbourhood():
    frame = generate_requests(3_000, seed=3)
    cells = {name: box for name, *box in neighbourhood_cells()}
    boxes = pd.DataFrame(frame["neighbourhood"].map(cells).tolist(),
                         columns=["west", "south", "east", "north"])
    west, south, east, north = (boxes[c] for c in boxes.columns)
    assert ((frame["longitude"] >= west) & (frame["longitude"] <= east)).all()
    assert ((frame["latitude"] >= south) & (frame["latitude"] <= north)).all()


def test_closed_requests_close_after_they_open():
    frame = generate_requests(5_000, seed=4)
    closed = frame[frame["status"] == "Closed"]
    assert (closed["closed_at"] != "").all()
    assert (closed["closed_at"] >= closed["created_at"]).all()
    assert (frame.loc[frame["status"] != "Closed", "closed_at"] == "").all()
