module poolvizbench

go 1.19
