@dsp4003 @versions
Feature: How the process changed between versions of DSP4003
  DSP4003 1.2.0's change history (Appendix A): 1.1a defined the VP of Alliances role, clarified the
  Board's decisions and allowed alliances with open source organizations; 1.2.0 added the Alliance
  Committee explicitly and removed the specific list of other committees. Versions 1.0 and 1.1 are
  reconstructions from that history.

  @dsp4003-3.2
  Scenario Outline: Every version takes a new register from the committees to the Board to the partner
    Given the policy "dsp4003@<version>"
    When a new work register is submitted for approval
    Then the Originating Committee must ballot
    And the DMTF Board must approve
    And the board ballot follows the Originating Committee ballot
    And the Alliance Partner must acknowledge acceptance

    @dsp4003-1.0
    Examples: 1.0
      | version |
      | 1.0     |

    @dsp4003-1.1
    Examples: 1.1
      | version |
      | 1.1     |

    @dsp4003-1.2.0
    Examples: 1.2.0
      | version |
      | 1.2.0   |

  @dsp4003-2.3
  Scenario Outline: Only 1.2.0 requires the Alliance Committee for adoption
    Given the policy "dsp4003@<version>"
    And the Originating Committee is the Technical Committee
    When a new work register is submitted for approval
    Then the Alliance Committee <alliance committee>
    And the Work Register Owner <owner constraint> required to be an active member of the Alliance Committee

    Examples:
      | version | alliance committee    | owner constraint |
      | 1.0     | is not asked to approve | is not         |
      | 1.1     | is not asked to approve | is not         |
      | 1.2.0   | must give approval      | is             |

  @dsp4003-3.2
  Scenario Outline: Since 1.1 a change of representatives does not need the Board
    Given the policy "dsp4003@<version>"
    When the alliance representatives or their email addresses change
    Then the DMTF Board need not approve

    Examples:
      | version |
      | 1.1     |
      | 1.2.0   |

  @dsp4003-2.7
  Scenario Outline: The VP of Alliances assigns owners since 1.1
    Given the policy "dsp4003@<version>"
    When a new work register is submitted for approval
    Then the "Assign a Work Register Owner" step is done by the VP of Alliances

    Examples:
      | version |
      | 1.1     |
      | 1.2.0   |
