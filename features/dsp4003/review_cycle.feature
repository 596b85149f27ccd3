@dsp4003 @dsp4003-1.2.0 @dsp4003-4
Feature: The 24-month update cycle
  DSP4003 1.2.0 §4: work registers should be updated at regular intervals, at least once every
  24 months, by the Work Register Owner, coordinated by the VP of Alliances.

  Background:
    Given the policy "dsp4003@1.2.0"

  Scenario: Registers are updated at least every 24 months
    Then work registers should be updated at least every 24 months by the Work Register Owner

  Scenario: A review's approvals follow from what it changes
    Given an approved work register with OFA
    When the work register is reviewed
    Then no approval is named
    And the "Update the register" step is done by the Work Register Owner
    And the policy does not specify approvals of the review itself
