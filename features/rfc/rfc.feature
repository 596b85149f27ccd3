@rfc @rfc-2.0
Feature: The Northwind Labs Engineering RFC Process
  A process of one's own, written for workreg (policies/rfc/source-2.0.md): its own roles,
  phases, change kinds and phrasings, run by the same steps as DSP4003 and no code of its own.

  Background:
    Given the policy "rfc@2.0"

  @rfc-1 @rfc-2.3 @rfc-2.5 @rfc-4.2
  Scenario: A new RFC that introduces an interface needs every owning team, then the Architecture Council
    Given the Payments team and the Search team are affected by the change
    When a new RFC is proposed
    And the RFC introduces a new interface
    Then the approvals are, in order:
      | stage | approver             | kind     | clause |
      | 1     | Payments team        | approval | §2.3   |
      | 1     | Search team          | approval | §2.3   |
      | 2     | Architecture Council | ballot   | §2.5   |
    And the Architecture Council ballot follows the Payments team approval
    And the policy does not specify how long the council may take to vote

  @rfc-2.5
  Scenario: A new RFC that adds no interface and breaks none does not go to the council
    # §2.5: the council votes on "every RFC that introduces a new interface or breaks an existing one"
    Given the Payments team is affected by the change
    When a new RFC is proposed
    Then the owning team must approve
    And the Architecture Council is not asked to approve

  @rfc-3 @rfc-5.1 @rfc-5.2
  Scenario: Around the approvals: drafting, the shepherd, publishing
    When a new RFC is proposed
    Then the "Write the draft" step is done by the Author
    And the "Shepherd review" step is done by the Shepherd
    And the "Publish the RFC" step is done by the Editor
    And the "Announce the RFC" step is done by the Author (optional)

  @rfc-4.3
  Scenario: A breaking change also needs the Engineering Director, after the council
    When the RFC breaks an existing interface
    Then the Engineering Director must approve
    And the director sign-off follows the council vote

  @rfc-2.4
  Scenario: A change to personal data needs the security team, not the council
    Given the Payments team is affected by the change
    When the RFC changes the handling of personal data
    Then the Security team must approve
    And the Architecture Council is not asked to approve

  @rfc-4.1 @rfc-4.2
  Scenario: The security review may run beside the team reviews, both before the council
    Given the Payments team is affected by the change
    When the changes are breaking_change and security_change
    Then the Security team and the Payments team may approve in parallel
    And the Architecture Council ballot follows the Security team approval

  @rfc-4.4
  Scenario: A minor revision does not go to the Architecture Council
    When a minor revision of an accepted RFC is made
    Then the owning team must approve
    And the Architecture Council need not approve

  @rfc-5.3
  Scenario: Withdrawing an RFC needs no approval
    When the author withdraws the RFC
    Then no approval is required

  @rfc-2
  Scenario: Who the roles are
    Then the Shepherd is required to be never the author of the RFC
    And the role of the Author is to write the RFC and answer the reviews
    And the role of the Engineering Director is to sign off breaking changes after the council vote
    And the role of the Editor is to number, publish and archive RFCs

  @rfc-6
  Scenario: Accepted RFCs are reviewed every year
    Then accepted RFCs must be reviewed at least every 12 months by the Shepherd

  @rfc-versions
  Scenario Outline: Version 2.0 took minor revisions away from the council
    Given the policy "rfc@<version>"
    When a minor revision of an accepted RFC is made
    Then the Architecture Council <answer>

    Examples:
      | version | answer           |
      | 1.0     | must ballot      |
      | 2.0     | need not approve |
