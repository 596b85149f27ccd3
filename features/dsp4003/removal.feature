@dsp4003 @dsp4003-1.2.0 @dsp4003-4.1
Feature: Removing an alliance partner
  DSP4003 1.2.0 §4.1: removal may be required when the partner disbands or fails to maintain the
  relationship, may be recommended when it stagnates, and the partnership can be dissolved when
  the deliverables are complete. Removal requires DMTF board approval.

  Background:
    Given the policy "dsp4003@1.2.0"

  Scenario: Removal requires the Board's approval
    When the alliance partner is to be removed
    Then the DMTF Board must approve
    And the approval of the DMTF Board cites §4.1
    And the policy leaves open whether committees or the partner take part in a removal

  Scenario Outline: Reasons for removal
    Then removal may follow when <reason>

    Examples:
      | reason                                                       |
      | the partner organization disbands                            |
      | the partner otherwise fails to maintain the relationship     |
      | the relationship stagnates and progress is not made          |
      | the deliverables are complete and no further are required    |

  Scenario: The VP of Alliances or an Executive Committee member may recommend removal
    Then the VP of Alliances may recommend removal
    And the DMTF Executive Committee may recommend removal

  Scenario: A removal's recommendation names both who may make it
    # §4.1: "The VP of Alliances or a member of the DMTF executive committee can also recommend that an
    # Alliance Partner be removed if the relationship stagnates"
    When the alliance partner is to be removed
    Then the "Recommend removal of a stagnant partnership" step is done by the VP of Alliances (optional)
    And the "Recommend removal of a stagnant partnership" step may also be done by a member of the DMTF Executive Committee
