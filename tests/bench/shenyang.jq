# The Shenyang catalog's 28 conditions in jq, for `make bench` (see
# tests/bench/README.md).  It prints what `aeo eval rules/shenyang --format
# jsonl` prints, line for line:
#
#   jq -n -c --arg as_of 2021-06-01 -f tests/bench/shenyang.jq FILE
#
# CEL's three-valued logic: a fact is its value, or, when the record lacks
# it, an array naming it (an unknown).  `and`/`or` are commutative (a false
# decides `and` whatever the other side), and unknowns merge in the order
# they are met, so an undecided measure names the same facts in the same
# order as aeo.  Dates: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (jq's
# fromdateiso8601); a record with another RFC 3339 form fails jq.
# Strictness: required fields missing, null or of the wrong type, and a
# credit outside its enum give an error record with aeo's message; other
# type errors are not checked here.

def date: if test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") then . + "T00:00:00Z" else . end | fromdateiso8601;

def unknown: type == "array";

# enterprise.<name>: the value, or the unknown naming it.
def fact($e; $name): if $e[$name] == null then ["enterprise." + $name] else $e[$name] end;

def and2($a; $b):
  if $a == false or $b == false then false
  elif ($a | unknown) and ($b | unknown) then $a + ($b - $a)
  elif ($a | unknown) then $a
  elif ($b | unknown) then $b
  else true end;

def or2($a; $b):
  if $a == true or $b == true then true
  elif ($a | unknown) and ($b | unknown) then $a + ($b - $a)
  elif ($a | unknown) then $a
  elif ($b | unknown) then $b
  else false end;

def not1($a): if ($a | unknown) then $a else ($a | not) end;

($as_of | date) as $now
| ("2021-04-21" | date) as $effective
| ("2021-11-01" | date) as $general_ends
| ("2021-11-01" | date) as $decree_251_from
# The suspension rule is dated: until 2021-10-31 an open smuggling
# investigation suspends every measure, from 2021-11-01 a criminal case.
| (if $now < $decree_251_from then "smuggling_case_open" else "criminal_case_open" end) as $shall_suspend
| ($now >= $effective) as $in_force
| foreach inputs as $e (0; . + 1;
    . as $n
    | (if ($e.uscc | type) != "string" then "enterprise.uscc"
       elif ($e.credit | type) != "string" then "enterprise.credit"
       elif ($e.registered_area | type) != "string" then "enterprise.registered_area"
       elif ($e.declares_in_liaoning | type) != "boolean" then "enterprise.declares_in_liaoning"
       else null end) as $bad
    | if $bad != null then
        {record: $n, error: ("line \(input_line_number): \($bad): "
                             + (if $e[$bad | ltrimstr("enterprise.")] == null then "missing required field"
                                else "expected \(if $bad == "enterprise.declares_in_liaoning" then "bool" else "string" end), got \($e[$bad | ltrimstr("enterprise.")] | type | sub("boolean"; "bool"))" end))}
      elif ([$e.credit] | inside(["advanced", "general", "standard", "dishonest"]) | not) then
        {record: $n, error: ("line \(input_line_number): enterprise.credit: \($e.credit | tojson) is not one of \"advanced\", \"general\", \"standard\", \"dishonest\"")}
      else
        (($e.registered_area | startswith("08")) or $e.declares_in_liaoning) as $scope
        | ($e.registered_area | startswith("08")) as $shenyang_area
        | ($e.credit == "advanced") as $advanced
        | ($e.credit == "general" and $now < $general_ends) as $general
        | ($advanced or $general) as $both
        | not1(or2(fact($e; $shall_suspend);
                   and2(fact($e; "violation_case_open"); fact($e; "suspension_decided")))) as $not_suspended
        | (if $e.business_types == null then ["enterprise.business_types"]
           else any($e.business_types[]; . == "processing_trade") end) as $processing
        | (if $e.mra_markets == null then ["enterprise.mra_markets"] else ($e.mra_markets | length > 0) end) as $any_mra
        | ($e.downgraded_on == null or ($now - ($e.downgraded_on | date)) >= 31536000) as $no_recent_downgrade
        | def m($tier; $when): if $in_force and $scope and $tier then and2($when; $not_suspended) else false end;
          [ ["M01", m($both; or2(fact($e; "imports"); fact($e; "exports")))],
            ["M02", m($both; fact($e; "declares_at_shenyang_ports"))],
            ["M03", m($both; fact($e; "needs_guarantee"))],
            ["M04", m($both; fact($e; "statutory_inspection_goods"))],
            ["M05", m($both; and2(fact($e; "exports"); fact($e; "uses_origin_certificates")))],
            ["M06", m($both; fact($e; "statutory_inspection_goods"))],
            ["M07", m($both; fact($e; "food_agri_exporter"))],
            ["M08", m($both; and2(fact($e; "duty_paying_imports"); fact($e; "guarantee_on_file")))],
            ["M09", m($both; and2(fact($e; "selected_for_inspection"); fact($e; "inspection_found_no_irregularity")))],
            ["M10", m($both; fact($e; "selected_for_inspection"))],
            ["M11", m($both; fact($e; "pending_determination"))],
            ["M12", m($both; $processing)],
            ["M13", m($both; fact($e; "advance_ruling_applied"))],
            ["M14", m($general and $now < $general_ends; $no_recent_downgrade)],
            ["M15", m($advanced; fact($e; "needs_guarantee"))],
            ["M16", m($advanced; $shenyang_area)],
            ["M17", m($advanced; fact($e; "exports"))],
            ["M18", m($advanced; $shenyang_area)],
            ["M19", m($advanced; $any_mra)],
            ["M20", m($advanced; true)],
            ["M21", m($advanced; fact($e; "disruption_declared"))],
            ["M22", m($advanced; fact($e; "lab_sampling"))],
            ["M23", m($advanced; fact($e; "port_inspection"))],
            ["M24", m($advanced; fact($e; "destination_inspection"))],
            ["M25", m($advanced; and2($processing; fact($e; "e_account_book")))],
            ["M26", m($advanced; fact($e; "open_verification"))],
            ["M27", m($advanced; fact($e; "pending_determination"))],
            ["M28", m($advanced; and2(fact($e; "statutory_inspection_goods"); fact($e; "release_first_goods")))]
          ] as $out
        | {record: $n, key: $e.uscc,
           applies: [$out[] | select(.[1] == true) | .[0]],
           # The valued measures' cases read only the tier: an applying one
           # grants its tier's value.
           values: ([$out[] | select(.[1] == true and (.[0] | IN("M01", "M03", "M04")))
                     | {key: .[0], value: (if $advanced then {M01: 20, M03: "exempt", M04: 20}
                                           else {M01: 50, M03: "reduced", M04: 50} end)[.[0]]}]
                    | from_entries),
           not: [$out[] | select(.[1] == false) | .[0]],
           undecided: ([$out[] | select(.[1] | unknown) | {key: .[0], value: .[1]}] | from_entries),
           errors: {}}
      end)
