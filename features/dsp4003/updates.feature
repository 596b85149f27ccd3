@dsp4003 @dsp4003-1.2.0
Feature: Updating an approved work register
  DSP4003 1.2.0 §4 and §3.2 say which approvals each kind of update needs, and which it does not.

  Background:
    Given the policy "dsp4003@1.2.0"
    And an approved work register with OCP

  @dsp4003-4
  Scenario: Extending the scope needs the Originating Committee, the Board and the partner, in no stated order
    # §4: "Work Register updates that extend the scope ... requires the approval of the Originating
    # Committee, the DMTF board, and the Alliance Partner organization." No order is given; OCP approved
    # its 2023 register (June 8) before the DMTF Board did (July 24).
    When the update extends the scope to the SPDM working group
    Then the Originating Committee must approve
    And the DMTF Board must approve
    And the Alliance Partner must approve
    And the board approval follows the Originating Committee approval by interpretation
    And no order is stated for the Alliance Partner's approval
    And the approval of the DMTF Board cites §4
    And the approval of the Originating Committee rests on an interpretation
    And the policy does not specify the order of an update's approvals
    And the policy does not specify whether committees that gain milestone work must approve

  @dsp4003-4
  Scenario: Adjusting deliverables needs the committees and the partner, in no stated order
    # §4: "Work Register updates to adjust deliverables require approval of the Originating Committee,
    # any other affected committees and the Alliance Partner organization."
    Given the PMCI Working Group owns milestones in the work register
    When the update adjusts the deliverables
    Then the approvals are, in order:
      | stage | approver            | kind     | clause |
      | any   | Alliance Committee  | approval | §4     |
      | any   | Technical Committee | approval | §4     |
      | any   | Alliance Partner    | approval | §4     |
    And the DMTF Board is not asked to approve
    And the policy does not specify whether a significant adjustment needs the Board

  @dsp4003-3.2
  Scenario: A change of representatives does not need the Board, and nobody else is named
    When the alliance representatives or their email addresses change
    Then the DMTF Board need not approve
    And no approval is named
    And the policy does not specify any approver for a change of representatives

  @dsp4003-3.2
  Scenario: Changes by the partner are re-balloted through the Originating Committee
    When the partner changes the approved work register
    Then the Originating Committee must ballot
    And the policy leaves open whether the Board must approve a significant revision

  @dsp4003-3.2
  Scenario: The Board approves significant changes, and "significant" is not defined
    When a significant change is made
    Then the DMTF Board must approve
    And the policy does not specify what makes a change significant

  @dsp4003-4
  Scenario: Several changes in one update are approved together
    Given the PMCI Working Group owns milestones in the work register
    When the changes are deliverable_adjustment, scope_extension and contact_change
    Then the approvals are, in order:
      | stage | approver                | kind     | clause |
      | 1     | Alliance Committee      | approval | §4     |
      | 1     | Technical Committee     | approval | §4     |
      | 2     | DMTF Board of Directors | approval | §4     |
      | any   | Alliance Partner        | approval | §4     |
    And the DMTF Board follows the Technical Committee by interpretation
    And no order is stated for the Alliance Partner's approval
