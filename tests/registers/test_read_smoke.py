from workreg.registers.read import read_register


def test_markdown_fixture_reads(fixtures):
    register = read_register(fixtures / "complete.md")
    assert register.organizations.partner.abbreviation == "ESA"
    assert [m.done for m in register.milestones] == [True, False, False]
