@dsp4003 @dsp4003-1.2.0 @registers
Feature: What a change to an approved work register needs
  Two versions of a register are compared section by section; the policy's classification rules
  say what kind of change each difference is, and the policy says what the changes need together.

  Background:
    Given the policy "dsp4003@1.2.0"
    And the approved work register "esa-1.0.txt"

  @dsp4003-3.2
  Scenario: A register that differs only in its points of contact needs no Board approval
    When it is updated to "esa-1.1-contacts.txt"
    Then the change to the points of contact is a contact change
    And the change to the version is editorial
    And the DMTF Board need not approve
    And no approval is named

  @dsp4003-4
  Scenario: Extending the scope to the SPDM working group and moving a deliverable
    When it is updated to "esa-1.1-spdm.txt"
    Then the scope is extended to the SPDM Working Group
    And the change to the milestones is a deliverable adjustment
    And the change to the activities is unclassified
    And the approvals are, in order:
      | stage | approver                | kind     | clause |
      | 1     | Alliance Committee      | approval | §4     |
      | 1     | Technical Committee     | approval | §4     |
      | 2     | DMTF Board of Directors | approval | §4     |
      | any   | Alliance Partner        | approval | §4     |
    And the board approval follows the Technical Committee approval by interpretation
    And no order is stated for the Alliance Partner's approval
