# The rule paths of each catalog shape of the benchmark (README.md in this
# folder), for run.sh and jobs.sh, which source it: shape_rules SHAPE prints
# the paths aeo eval takes, with $RULES the Shenyang catalog and $SHAPE the
# folder of the generated catalog.
shape_rules() {
    case $1 in
    shenyang) echo "$RULES" ;;
    flat) echo "$RULES/01_schema.aeo tests/bench/flat" ;;
    gen) echo "$RULES/01_schema.aeo $SHAPE" ;;
    esac
}
