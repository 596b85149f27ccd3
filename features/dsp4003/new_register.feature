@dsp4003 @dsp4003-1.2.0
Feature: Approving a new alliance partner work register
  DSP4003 1.2.0 §3 defines the approval process: a proposed work register is drafted with the
  partner, socialised with the committees, balloted by the Originating Committee (and by any other
  committee with milestone work), then by the Board, and accepted by the partner.

  Background:
    Given the policy "dsp4003@1.2.0"

  @dsp4003-3.2 @dsp4003-2.3
  Scenario: A new work register goes from the committees to the Board to the partner
    Given a proposed work register with OFA
    Then the approvals are, in order:
      | stage | approver                | kind            | clause |
      | 1     | Alliance Committee      | ballot          | §3.2   |
      | 1     | Affected committee      | ballot          | §2.3   |
      | 2     | DMTF Board of Directors | ballot          | §3.2   |
      | 3     | Alliance Partner        | acknowledgement | §3.2   |
    And the board ballot follows the Originating Committee ballot as the text states
    And the Alliance Partner must acknowledge acceptance
    And the Alliance Partner acceptance follows the board approval as the text states

  @dsp4003-2.3 @dsp4003-3.2
  Scenario: Every committee with milestone work ballots, in parallel with the Originating Committee
    # §2.3: "The work register also needs approval by any committee which has work identified in the
    # Milestones section"; §2.4: working groups' information "is communicated to the appropriate
    # committee through the working group chair".  The PMCI and SPDM Working Groups report to the
    # Technical Committee, which ballots once for both.
    Given a proposed work register with OCP
    And the PMCI Working Group, the SPDM Working Group and the Marketing Committee own milestones in the work register
    Then the Technical Committee must ballot
    And the Marketing Committee must ballot
    And the PMCI Working Group is not asked to approve
    # §3.2: "the Work Register may be balloted in parallel in the non-originating Committees at the
    # discretion of the chair."
    And the Originating Committee and the Technical Committee may ballot in parallel at the discretion of the chair
    And the DMTF Board ballot follows the Marketing Committee ballot as the text states

  @dsp4003-2.3
  Scenario: Adoption needs the Alliance Committee even when another committee originates
    Given a proposed work register with OCP
    And the Originating Committee is the Technical Committee
    Then the Technical Committee must ballot
    And the Alliance Committee must give approval
    And the Technical Committee and the Alliance Committee may approve in parallel
    And the DMTF Board follows the Alliance Committee

  @dsp4003-2.6 @dsp4003-3.2
  Scenario: The Board's approval establishes the partnership and is recorded in the register
    When a new work register is submitted for approval
    Then the DMTF Board must approve
    And the approval of the DMTF Board cites §3.2
    # §3.2: "Approved Work Registers shall include the board resolution and date of approval and are
    # posted on the work register public site" — who posts is not said.
    And the "Record board resolution and date; post the register" step is done by the Work Register Owner by interpretation
    And the "Press release of the new alliance" step is done by the VP of Alliances (optional)

  @dsp4003-2.5 @dsp4003-3.1
  Scenario: The proposal is drafted, checked and socialised before the committees ballot
    When a new work register is submitted for approval
    Then the "Draft the work register from the template with the partner" step is done by the Work Register Owner
    And the "Conference call with the partner to check the draft is complete" step is done by the VP of Alliances (optional)
    # §3.1: "Once the draft Work Register is complete, it is sent to the Committees through the chairs"
    # — who sends it is not said.
    And the "Send the draft to the committees through their chairs for feedback" step is done by the Work Register Owner by interpretation
    And the "Schedule formal approval by the Board" step is done by the DMTF Executive Committee
    And the "Assign a Work Register Owner" step is done by the VP of Alliances
    # §3.1: "Work Registers can be proposed by an external organization or by a board or leadership
    # member company within the DMTF."
    And the "Propose a work register" step is done by the Alliance Partner
    And the "Propose a work register" step may also be done by a DMTF board or leadership member company
    And the policy does not specify who assigns the owner of a proposal from a DMTF member company

  @dsp4003-2.2
  Scenario: Once approved by both organizations the owner registers the partner's contacts
    When a new work register is submitted for approval
    Then the "Send partner contacts and PR contact to DMTF" step is done by the Work Register Owner
