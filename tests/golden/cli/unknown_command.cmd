$AEO frobnicate x.aeo
