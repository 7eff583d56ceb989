# Load the Delta 8.7 download in R (base R; arrow::read_parquet("STEM.parquet") also works).
df <- read.csv("STEM.csv", stringsAsFactors = FALSE, na.strings = "", encoding = "UTF-8")
print(dim(df))
head(df)
