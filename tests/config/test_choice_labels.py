"""get_<field>_display() through config.models.ChoiceLabels: the label of the value, in
the language active when it is asked for (the lookup dict is built once per field)."""

from django.utils import translation

from tickets.models import Ticket


def test_the_label_follows_the_active_language():
    ticket = Ticket(status=Ticket.Status.OPEN)

    with translation.override("en"):
        english = ticket.get_status_display()
    with translation.override("zh-hans"):
        chinese = ticket.get_status_display()
    with translation.override("en"):
        english_again = ticket.get_status_display()

    assert english == english_again == str(Ticket.Status.OPEN.label)
    assert chinese != english
    assert chinese  # a translated, non-empty label


def test_a_value_outside_the_choices_reads_as_itself():
    assert Ticket(status="lost").get_status_display() == "lost"
