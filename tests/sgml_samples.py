"""Synthetic Reuters-21578-style SGML for the reader tests (NEWIDs 9000xx, written for these tests).

Kept as text here and written to a temporary folder by the ``sample_corpus`` fixture, so the repository
holds no ``.sgm`` files that could be mistaken for the shared collection. Latin-1, like the real files.
"""

REUTERS_SAMPLE = (
    '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'
    '<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="90001" NEWID="900001">\n'
    "<DATE> 2-MAR-1987 09:15:05.40</DATE>\n"
    "<TOPICS><D>money-fx</D></TOPICS>\n"
    "<PLACES><D>west-germany</D><D>usa</D></PLACES>\n"
    "<PEOPLE><D>stoltenberg</D><D>james-baker</D></PEOPLE>\n"
    "<ORGS></ORGS>\n"
    "<EXCHANGES></EXCHANGES>\n"
    "<COMPANIES></COMPANIES>\n"
    "<UNKNOWN> &#5;&#5;&#5;RM\n"
    "&#22;&#22;&#1;f0001&#31;reute\n"
    "u f BC-BONN-DOLLAR   03-02 0090</UNKNOWN>\n"
    "<TEXT>&#2;\n"
    "<TITLE>STOLTENBERG SEES NO NEED FOR &lt;DOLLAR> ACTION</TITLE>\n"
    "<DATELINE>    BONN, March 2 - </DATELINE><BODY>West German Finance Minister Gerhard\n"
    "Stoltenberg said there was no need for new action on the dollar\n"
    "after talks with U.S. Treasury Secretary James Baker.\n"
    "    He told reporters in Bonn that Société Générale &amp; other\n"
    "banks had been consulted.\n"
    " Reuter\n"
    "&#3;</BODY></TEXT>\n"
    "</REUTERS>\n"
    '<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="90002" NEWID="900002">\n'
    "<DATE> 2-MAR-1987 09:20:11.02&#5;&#5;&#5;F</DATE>\n"
    "<TOPICS></TOPICS>\n"
    "<PLACES><D>japan</D></PLACES>\n"
    "<PEOPLE></PEOPLE>\n"
    "<ORGS></ORGS>\n"
    "<EXCHANGES></EXCHANGES>\n"
    "<COMPANIES></COMPANIES>\n"
    "<UNKNOWN> &#5;&#5;&#5;F\n"
    "&#22;&#22;&#1;f0002&#31;reute\n"
    "b f BC-******JAPAN   03-02 0011</UNKNOWN>\n"
    '<TEXT TYPE="BRIEF">&#2;\n'
    "******<TITLE>JAPAN FEBRUARY TRADE SURPLUS WIDENS TO 7.1 BILLION DLRS\n"
    "</TITLE>Blah blah blah.\n"
    "&#3;\n"
    "\n"
    "</TEXT>\n"
    "</REUTERS>\n"
    '<REUTERS TOPICS="NO" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="90003" NEWID="900003">\n'
    "<DATE> 2-MAR-1987 09:31:40.77</DATE>\n"
    "<TOPICS></TOPICS>\n"
    "<PLACES><D>usa</D></PLACES>\n"
    "<PEOPLE></PEOPLE>\n"
    "<ORGS></ORGS>\n"
    "<EXCHANGES></EXCHANGES>\n"
    "<COMPANIES></COMPANIES>\n"
    "<UNKNOWN> &#5;&#5;&#5;RM\n"
    "&#22;&#22;&#1;f0003&#31;reute\n"
    "u f BC-FED-WEEKLY   03-02 0060</UNKNOWN>\n"
    '<TEXT TYPE="UNPROC">&#2;\n'
    "FEDERAL RESERVE WEEKLY REPORT - MARCH 2\n"
    "    One week ended Feb 25      daily avgs-mlns\n"
    " Bank borrowings...............680 vs.......425\n"
    " Excess reserves.............1,025 vs.....1,497\n"
    "&#3;\n"
    "\n"
    "</TEXT>\n"
    "</REUTERS>\n"
)

REUTERS_TRUNCATED = (
    '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'
    '<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="90001" NEWID="900011">\n'
    "<DATE> 2-MAR-1987 09:15:05.40</DATE>\n"
    "<TOPICS><D>money-fx</D></TOPICS>\n"
    "<PLACES><D>west-germany</D><D>usa</D></PLACES>\n"
    "<PEOPLE><D>stoltenberg</D><D>james-baker</D></PEOPLE>\n"
    "<ORGS></ORGS>\n"
    "<EXCHANGES></EXCHANGES>\n"
    "<COMPANIES></COMPANIES>\n"
    "<UNKNOWN> &#5;&#5;&#5;RM\n"
    "&#22;&#22;&#1;f0001&#31;reute\n"
    "u f BC-BONN-DOLLAR   03-02 0090</UNKNOWN>\n"
    "<TEXT>&#2;\n"
    "<TITLE>STOLTENBERG SEES NO NEED FOR &lt;DOLLAR> ACTION</TITLE>\n"
    "<DATELINE>    BONN, March 2 - </DATELINE><BODY>West German Finance Minister Gerhard\n"
    "Stoltenberg said there was no need for new action on the dollar\n"
    "after talks with U.S. Treasury Secretary James Baker.\n"
    "    He told reporters in Bonn that Société Générale &amp; other\n"
    "banks had been consulted.\n"
    " Reuter\n"
    "&#3;</BODY></TEXT>\n"
    "</REUTERS>\n"
    '<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="90002" NEWID="900012">\n'
    "<DATE> 2-MAR-1987 09:20:11.02&#5;&#5;&#5;F</DATE>\n"
    "<TOPICS></TOPICS>\n"
    "<PLACES><D>japan</D></PLACES>\n"
    "<PEOPLE></PEOPLE>\n"
    "<ORGS></ORGS>\n"
    "<EXCHANGES></EXCHANGES>\n"
    "<COMPANIES></COMPANIES>\n"
    "<UNKNOWN> &#5;&#5;&#5;F\n"
    "&#22;&#22;&#1;f0002&#31;reute\n"
    "b f BC-******JAPAN   03-02 0011</UNKNOWN>\n"
    '<TEXT TYPE="BRIEF">&#2;\n'
    "******<TITLE>JAPAN FEBRUARY TRADE SURPLUS WIDENS TO 7.1 BILLION DLRS\n"
    "</TITLE>Blah blah blah.\n"
    "&#3;\n"
    "\n"
    "</TEXT>\n"
    "</REUTERS>\n"
    '<REUTERS TOPICS="NO" LEWISSPLIT="TEST" CGISPLIT="TRAINING-SET" OLDID="90004" NEWID="900004">\n'
    "<DATE> 3-MAR-1987 10:00:00.00</DATE>\n"
    "<TOPICS></TOPICS>\n"
    "<TEXT>&#2;\n"
    "<TITLE>OPEC OUTPUT SEEN STEADY</TITLE>\n"
    "<DATELINE>    VIENNA, March 3 - </DATELINE><BODY>OPEC output was seen steady in\n"
    "March, oil industry sources said, but the file ends here\n"
)

SGML_SAMPLES = {"reuters-sample.sgm": REUTERS_SAMPLE, "reuters-truncated.sgm": REUTERS_TRUNCATED}

# Records without a TITLE element (TYPE="UNPROC"), shaped like NEWIDs 10136, 5420, 934, 13979 and 12793 of
# the real collection: a headline the wire wrapped before a hyphen, one wrapped between words, a headline
# that runs into its dateline, a price table, a record with no text at all, and a headline whose second
# line starts with a dash between words. Not in SGML_SAMPLES: the sample corpus other tests count stays.
_UNPROC = (
    '<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="9{n}" NEWID="90010{n}">\n'
    "<DATE>26-MAR-1987 15:57:28.70</DATE>\n"
    "<TOPICS></TOPICS>\n"
    "<PLACES><D>usa</D></PLACES>\n"
    "<PEOPLE></PEOPLE>\n"
    '<TEXT TYPE="UNPROC">&#2;\n'
    "{text}"
    "&#3;\n"
    "\n"
    "</TEXT>\n"
    "</REUTERS>\n"
)
REUTERS_UNPROC = '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(
    _UNPROC.format(n=n, text=text)
    for n, text in (
        (
            1,
            "BAKER REAFFIRMS G\n"
            "-7 EXCHANGE RATE ACCORD\n"
            "    WASHINGTON, March 26 - Treasury Secretary James Baker told\n"
            "Congress the accord reached in Paris was working.\n"
            "    He gave no details.\n"
            " Reuter\n",
        ),
        (
            2,
            "S/P DOWNGRADES SWEDEN'S 12.5 BILLION U.S. DLRS OF\nLONG-TERM EXTERNAL DEBT\n",
        ),
        (
            3,
            "COTTON CROP SEEN LOWER AFTER DROUGHT LUSAKA, March 26\n"
            "- Zambia's cotton crop is likely to be smaller this year,\n"
            "the ministry said.\n",
        ),
        (4, "CBT 10:50 EDT\nWHEAT\nMAY7  287 3/4 UP  1 1/2\nJUL7  273 1/2 UP   3/4\n"),
        (5, ""),
        (6, "U.K. CAR SALES ROSE IN MARCH\n- OFFICIAL\n    LONDON, April 3 - Car sales rose.\n"),
    )
)
