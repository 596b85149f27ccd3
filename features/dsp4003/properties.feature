@dsp4003 @dsp4003-1.2.0
Feature: What DSP4003 1.2.0 guarantees for every combination of changes
  A change to a work register is often several kinds at once. These steps are decided for every
  combination of change kinds that includes the kinds named (all 255 of them), not only for the
  change of one scenario; a failure names a smallest combination that breaks it.

  Background:
    Given the policy "dsp4003@1.2.0"

  @dsp4003-4
  Scenario: An update that extends the scope always reaches the Board
    Then every change that includes scope_extension needs the DMTF Board
    And every change that includes the update extends the scope to needs the Alliance Partner

  @dsp4003-2.3 @dsp4003-3.2
  Scenario: Adopting a register always needs the Alliance Committee, then the Board
    Then every change that includes new_register needs the Alliance Committee
    And in every change that includes new_register, the DMTF Board follows the Originating Committee

  @dsp4003-3.2
  Scenario: A change of representatives reaches the Board only through another kind of change
    Then every change that includes contact_change but not new_register, scope_extension, significant_change or removal does not need the DMTF Board
