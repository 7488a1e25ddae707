# Charts of a membench run:  gnuplot -e "dir='build/bench'" bench/plot.gp
# Reads DIR/chart_main.dat and DIR/chart_scaling.dat (written by membench);
# writes DIR/engines.png and DIR/scaling.png.
if (!exists("dir")) dir = "build/bench"

set terminal pngcairo size 1400,700 font ",11"
set datafile missing "NaN"
set key outside right top
set grid ytics
set logscale y
set ylabel "median ns per operation (log scale)"

set output dir."/engines.png"
set title "membench: median ns/op per workload (lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -25 noenhanced
set yrange [1:*]
ncol = 8
plot for [c=2:ncol] dir."/chart_main.dat" using c:xtic(1) title columnheader(c)

set output dir."/scaling.png"
set title "membench: cost per op (free random + alloc, 16-64 B) vs live blocks"
set style data linespoints
set xtics norotate
set xlabel "live blocks"
plot for [c=2:ncol] dir."/chart_scaling.dat" using 0:c:xtic(1) \
	title columnheader(c) lw 2 pt 7
