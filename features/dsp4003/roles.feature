@dsp4003 @dsp4003-1.2.0 @dsp4003-2
Feature: Roles and responsibilities
  DSP4003 1.2.0 §2 defines who takes part in creating and maintaining a work register.

  Background:
    Given the policy "dsp4003@1.2.0"

  @dsp4003-2.3
  Scenario: The Work Register Owner must be an active Alliance Committee member
    Then the Work Register Owner is required to be an active member of the Alliance Committee

  @dsp4003-2.3
  Scenario: The Originating Committee is most likely the Alliance Committee
    # §2.3: "This is most likely the Alliance Committee."
    Then the Originating Committee is most likely the Alliance Committee

  Scenario Outline: What each role is for
    Then the role of the <role> is to <duty>

    @dsp4003-2.1
    Examples: The partner
      | role             | duty                                                       |
      | Alliance Partner | develop the contents of the Work Register                  |
      | Alliance Partner | acknowledge acceptance of the Work Register                |

    @dsp4003-2.2
    Examples: The owner
      | role                | duty                                                              |
      | Work Register Owner | coordinate the creation of the draft Work Register with the partner organization |

    @dsp4003-2.4
    Examples: Working groups
      | role           | duty                                                       |
      | working groups | help to define the milestones specified in the work register |

    @dsp4003-2.5
    Examples: Executive Committee
      | role                     | duty                                                  |
      | DMTF Executive Committee | schedule formal approval by the Board of Directors    |

    @dsp4003-2.6
    Examples: Board
      | role                    | duty                                                       |
      | DMTF Board of Directors | be responsible for the strategic content of the Work Register |

    @dsp4003-2.7
    Examples: VP of Alliances
      | role            | duty                                                                     |
      | VP of Alliances | shepherd the Work Register Owner through getting the work register approved |

    @dsp4003-3.2
    Examples: Marketing Committee
      | role                | duty                                                       |
      | Marketing Committee | coordinate announcements of the alliance formation         |
