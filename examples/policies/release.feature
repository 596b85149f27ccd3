Feature: The Harbor Release Sign-off Process
  A policy of one's own (release/source.md), specified in the process's own words and run by
  workreg's steps: no Python of its own.

  Background:
    Given the policy "release@1.0"

  Scenario: A feature release needs every owning team, then the release manager
    Given the Storage team and the Network team are affected by the change
    When a feature release is shipped
    Then the approvals are, in order:
      | stage | approver        | kind     | clause |
      | 1     | Storage team    | approval | §2.2   |
      | 1     | Network team    | approval | §2.2   |
      | 2     | Release manager | approval | §2.2   |
    And the Release manager approval follows the Storage team approval as the text states
    And the "Tag and publish the release" step is done by the Release manager

  Scenario: A patch release ships without the release manager
    Given the Storage team is affected by the change
    When a patch release is shipped
    Then the Storage team must approve
    And the Release manager need not approve

  Scenario: A security release: the security officer first
    When a security release is shipped
    Then the Security officer must approve
    And the Release manager approval follows the Security officer approval as the text states

  Scenario: Who does what
    Then the role of the release manager is to prepare every release
    And the role of the owning team is to review the release notes of its component
    And the role of the security officer is to approve every release that fixes a vulnerability
