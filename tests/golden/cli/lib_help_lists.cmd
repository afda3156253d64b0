$AEO help --commands; $AEO help --options eval; $AEO help --options fmt; $AEO help --options explain; $AEO help --options nope; echo "exit $?"; $AEO help --bogus
