from tests.factories import UserFactory


def test_chinese_names_read_family_name_first_without_a_space(db):
    user = UserFactory(first_name="晓敏", last_name="陈")

    assert str(user) == "陈晓敏"


def test_latin_names_read_first_name_first(db):
    user = UserFactory(first_name="Mei", last_name="Lin")

    assert str(user) == "Mei Lin"


def test_user_without_a_name_shows_the_username(db):
    assert str(UserFactory(username="agent7")) == "agent7"
