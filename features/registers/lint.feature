@registers @lint
Feature: What a work register lacks
  Lint finds placeholders, a missing board resolution, missing contacts and overdue reviews.

  @dsp4003-3.2
  Scenario: A draft with placeholders and no board resolution
    When the work register "esa-draft.txt" is linted on 2021-01-01
    Then lint reports "missing-board-resolution"
    And lint reports "placeholder" at line 49
    And lint reports "missing-contacts"
    And lint reports no "review-overdue"

  @dsp4003-4
  Scenario: A register not reviewed for more than 24 months
    When the work register "esa-1.0.txt" is linted on 2026-11-21
    Then lint reports "review-overdue"
    And lint reports no "missing-board-resolution"
