from backend.text import join_first


def test_a_short_list_is_named_in_full():
    assert join_first(["T-1", "T-2"]) == "T-1、T-2"


def test_five_codes_are_named_without_etc():
    assert join_first([f"T-{n}" for n in range(1, 6)]) == "T-1、T-2、T-3、T-4、T-5"


def test_a_sixth_code_is_left_out_and_said_with_etc():
    assert join_first([f"T-{n}" for n in range(1, 7)]) == "T-1、T-2、T-3、T-4、T-5等"


def test_numbers_are_joined_as_text_with_their_own_limit():
    assert join_first([3, 4, 5], shown=2) == "3、4等"
